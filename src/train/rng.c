/* xoshiro256** (Blackman and Vigna), seeded through splitmix64. */
#include <math.h>

#include "cnn/train.h"

static uint64_t splitmix64(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

void cnn_rng_seed(cnn_rng *rng, uint64_t seed) {
  for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t cnn_rng_next(cnn_rng *rng) {
  uint64_t *s = rng->s;
  uint64_t result = rotl(s[1] * 5, 7) * 9;
  uint64_t t = s[1] << 17;
  s[2] ^= s[0];
  s[3] ^= s[1];
  s[1] ^= s[2];
  s[0] ^= s[3];
  s[2] ^= t;
  s[3] = rotl(s[3], 45);
  return result;
}

double cnn_rng_uniform(cnn_rng *rng) {
  return (double)(cnn_rng_next(rng) >> 11) * 0x1.0p-53;
}

double cnn_rng_normal(cnn_rng *rng) {
  /* 1 - u lies in (0, 1], so the logarithm is finite. */
  double radius = sqrt(-2.0 * log(1.0 - cnn_rng_uniform(rng)));
  return radius * cos(6.283185307179586 * cnn_rng_uniform(rng));
}

uint64_t cnn_rng_below(cnn_rng *rng, uint64_t bound) {
  /* Reject the top partial copy of [0, bound) so every value is equally likely. */
  uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  uint64_t x;
  do x = cnn_rng_next(rng);
  while (x >= limit);
  return x % bound;
}
