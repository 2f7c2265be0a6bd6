/* Checkpoints: bit-exact round trips, the exact bytes of a small file (the
 * format is little-endian and portable), and every kind of damage: wrong
 * magic, a future version, a CRC mismatch, truncation at every offset,
 * garbage lengths, and a save that fails part way, which must leave the old
 * file as it was. */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cnn/checkpoint.h"
#include "io/crc32.h"
#include "testutil.h"

static const char *dir;

static const char *path_in_dir(const char *name) {
  static char paths[32][128];
  static int next;
  char *path = paths[next++ % 32];
  snprintf(path, sizeof paths[0], "%s/%s", dir, name);
  return path;
}

/* A checkpoint owning n_tensors tensors of odd shapes, filled from seed,
 * including values whose bits must survive: NaN payloads, -0, infinities,
 * subnormals. */
typedef struct sample {
  cnn_checkpoint ck;
  char *names[3];
  cnn_tensor tensors[3];
} sample;

static void make_sample(sample *s, uint64_t seed) {
  static char *names[3] = {"conv1.weight", "conv1.bias", "adam.m.conv1.weight"};
  static const int shapes[3][4] = {{6, 1, 5, 5}, {1, 6, 1, 1}, {6, 1, 5, 5}};
  memset(s, 0, sizeof *s);
  test_rng rng = test_rng_seeded(seed);
  for (int i = 0; i < 3; i++) {
    s->names[i] = names[i];
    CHECK_OK(cnn_tensor_init(&s->tensors[i], shapes[i][0], shapes[i][1], shapes[i][2],
                             shapes[i][3]));
    test_fill_uniform(&rng, s->tensors[i].data, cnn_tensor_numel(&s->tensors[i]), -2, 2);
  }
  uint32_t specials[5] = {0x7fc12345u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x00000001u};
  memcpy(s->tensors[0].data, specials, sizeof specials);
  s->ck = (cnn_checkpoint){
      .model = "conv 6 5x5, relu, maxpool 2, fc 10",
      .optimizer = "adam lr=0.001 beta1=0.9 beta2=0.999",
      .epoch = 3,
      .step = 0x0123456789abcdefull,
      .rng = {seed, ~seed, 0x8000000000000001ull, 42},
      .num_tensors = 3,
      .names = s->names,
      .tensors = s->tensors,
  };
}

static void free_sample(sample *s) {
  for (int i = 0; i < 3; i++) cnn_tensor_free(&s->tensors[i]);
}

/* Checks that got holds exactly what want does. */
static void check_same(const cnn_checkpoint *got, const cnn_checkpoint *want) {
  CHECK(got->model && !strcmp(got->model, want->model), "model text \"%s\"", got->model);
  CHECK(got->optimizer && !strcmp(got->optimizer, want->optimizer), "optimizer text \"%s\"",
        got->optimizer);
  CHECK(got->epoch == want->epoch && got->step == want->step, "epoch %llu step %llu",
        (unsigned long long)got->epoch, (unsigned long long)got->step);
  CHECK(!memcmp(got->rng, want->rng, sizeof got->rng), "rng state differs");
  CHECK(got->num_tensors == want->num_tensors, "%d tensors", got->num_tensors);
  for (int i = 0; i < got->num_tensors && i < want->num_tensors; i++) {
    CHECK(!strcmp(got->names[i], want->names[i]), "name %d \"%s\"", i, got->names[i]);
    CHECK(cnn_tensor_same_shape(&got->tensors[i], &want->tensors[i]), "shape of tensor %d", i);
    if (cnn_tensor_same_shape(&got->tensors[i], &want->tensors[i]))
      test_equal(want->names[i], got->tensors[i].data, want->tensors[i].data,
                 cnn_tensor_numel(&want->tensors[i]));
  }
}

static void test_round_trip(void) {
  sample s;
  make_sample(&s, 7);
  const char *path = path_in_dir("round-trip.ckpt");
  CHECK_OK(cnn_checkpoint_save(path, &s.ck));
  cnn_checkpoint got;
  CHECK_OK(cnn_checkpoint_load(path, &got));
  check_same(&got, &s.ck);
  cnn_checkpoint_free(&got);
  CHECK(got.model == NULL && got.num_tensors == 0, "free clears the checkpoint");
  CHECK(access(path_in_dir("round-trip.ckpt.tmp"), F_OK) != 0, "no temporary file left");

  /* Saving over an existing file replaces it; no tensors is allowed. */
  cnn_checkpoint empty = {.model = "mlp", .optimizer = "", .epoch = 1};
  CHECK_OK(cnn_checkpoint_save(path, &empty));
  CHECK_OK(cnn_checkpoint_load(path, &got));
  check_same(&got, &empty);
  cnn_checkpoint_free(&got);
  free_sample(&s);
}

/* The exact bytes of a minimal checkpoint: any host must write these. */
static void test_exact_bytes(void) {
  float one = 1.0f;
  char *name = "w";
  cnn_tensor t = cnn_tensor_view(&one, 1, 1, 1, 1);
  cnn_checkpoint ck = {.model = "m", .optimizer = "o", .epoch = 2, .step = 0x0102,
                       .rng = {1, 2, 3, 4}, .num_tensors = 1, .names = &name, .tensors = &t};
  static const uint8_t want[] = {
      'C', 'N', 'N', 'C', 'K', 'P', 'T', 0, 1, 0, 0, 0,  /* magic, version 1 */
      1, 0, 0, 0, 'm', 1, 0, 0, 0, 'o',                  /* model, optimizer */
      2, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0, 0, 0, 0,    /* epoch, step */
      1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,    /* rng */
      3, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0,
      1, 0, 0, 0, 1, 0, 0, 0, 'w',                       /* count, name */
      1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0,    /* shape */
      0, 0, 0x80, 0x3f};                                 /* 1.0f */
  const char *path = path_in_dir("exact.ckpt");
  CHECK_OK(cnn_checkpoint_save(path, &ck));
  size_t n;
  uint8_t *got = test_read_file(path, &n);
  CHECK(n == sizeof want + 4, "file of %zu bytes, expected %zu", n, sizeof want + 4);
  size_t first_difference = 0;
  while (first_difference < sizeof want && first_difference < n &&
         got[first_difference] == want[first_difference])
    first_difference++;
  CHECK(first_difference == sizeof want, "byte %zu differs", first_difference);
  uint32_t crc = cnn_crc32(0, want, sizeof want);
  CHECK(n == sizeof want + 4 && got[n - 4] == (uint8_t)crc && got[n - 1] == (uint8_t)(crc >> 24),
        "CRC bytes");
  free(got);
  CHECK(cnn_crc32(0, "123456789", 9) == 0xcbf43926u, "CRC-32 check value %08x",
        cnn_crc32(0, "123456789", 9));
}

/* Writes bytes to name and expects loading it to fail with text. */
static void expect_bad(const char *name, const uint8_t *bytes, size_t n, const char *text) {
  const char *path = path_in_dir(name);
  test_write_file(path, bytes, n);
  cnn_checkpoint ck;
  CHECK_ERROR(cnn_checkpoint_load(path, &ck), CNN_STATUS_BAD_FORMAT, text);
  CHECK(ck.model == NULL && ck.tensors == NULL && ck.num_tensors == 0,
        "a failed load leaves the checkpoint cleared (%s)", name);
}

static void put_le32(uint8_t *p, uint32_t v) {
  for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> 8 * i);
}

/* Sets the u32 at offset, fixes the CRC, and expects text when loading. */
static void expect_bad_field(const uint8_t *good, size_t n, size_t offset, uint32_t value,
                             const char *text) {
  uint8_t *bad = malloc(n);
  memcpy(bad, good, n);
  put_le32(bad + offset, value);
  put_le32(bad + n - 4, cnn_crc32(0, bad, n - 4));
  char name[64];
  snprintf(name, sizeof name, "field-%zu-%u", offset, value);
  expect_bad(name, bad, n, text);
  free(bad);
}

static void test_damage(void) {
  sample s;
  make_sample(&s, 11);
  const char *path = path_in_dir("good.ckpt");
  CHECK_OK(cnn_checkpoint_save(path, &s.ck));
  size_t n;
  uint8_t *good = test_read_file(path, &n);
  uint8_t *bad = malloc(n + 16);

  cnn_checkpoint ck;
  CHECK_ERROR(cnn_checkpoint_load(path_in_dir("missing"), &ck), CNN_STATUS_IO_ERROR,
              "missing: cannot open");
  CHECK_ERROR(cnn_checkpoint_load(dir, &ck), CNN_STATUS_IO_ERROR, "not a regular file");
  expect_bad("empty", good, 0, "the file is empty");

  memcpy(bad, good, n);
  bad[3] = 'X';
  expect_bad("magic", bad, n, "offset 0: wrong magic");
  expect_bad("idx-file", (const uint8_t[]){0, 0, 8, 3, 0, 0, 0, 1}, 8, "wrong magic");

  memcpy(bad, good, n);
  put_le32(bad + 8, 2);
  expect_bad("future", bad, n, "offset 8: format version 2 is newer than this program's 1");
  put_le32(bad + 8, 0);
  expect_bad("version-0", bad, n, "format version 0 is invalid");

  memcpy(bad, good, n);
  bad[n / 2] ^= 0x10;
  expect_bad("flipped-bit", bad, n, "CRC-32 mismatch");
  memcpy(bad, good, n);
  bad[n - 1] ^= 0x01;
  expect_bad("bad-crc", bad, n, "CRC-32 mismatch");

  /* Cut at every length: always "truncated", never a crash or a success. */
  int cuts_failing = 0;
  for (size_t cut = 1; cut < n; cut++) {
    const char *cut_path = path_in_dir("cut");
    test_write_file(cut_path, good, cut);
    cnn_status st = cnn_checkpoint_load(cut_path, &ck);
    if (st != CNN_STATUS_BAD_FORMAT || !strstr(cnn_last_error(), "truncated")) {
      if (cuts_failing++ < 5)
        CHECK(0, "cut at %zu of %zu: %s \"%s\"", cut, n, cnn_status_str(st), cnn_last_error());
    }
    cnn_checkpoint_free(&ck);
  }
  CHECK(cuts_failing == 0, "%d of %zu cuts not reported as truncated", cuts_failing, n - 1);

  /* Lengths and sizes that lie, with a correct CRC so that the structure is checked. */
  size_t model_length_at = 12;
  size_t model_length = strlen(s.ck.model), optimizer_length = strlen(s.ck.optimizer);
  size_t optimizer_length_at = model_length_at + 4 + model_length;
  size_t count_at = optimizer_length_at + 4 + optimizer_length + 48;
  size_t name_at = count_at + 4, shape_at = name_at + 4 + strlen(s.names[0]);
  expect_bad_field(good, n, model_length_at, 0xffffffffu,
                   "offset 12: model text of 4294967295 bytes, expected at most 1048576");
  expect_bad_field(good, n, model_length_at, 1000000, "truncated at offset 16: model text needs");
  expect_bad_field(good, n, optimizer_length_at, 1u << 21, "optimizer text of 2097152 bytes");
  expect_bad_field(good, n, count_at, 0x7fffffffu, "2147483647 tensors, expected at most 65536");
  expect_bad_field(good, n, count_at, 4000, "4000 tensors need at least 100000 bytes");
  expect_bad_field(good, n, count_at, 2, "unexpected bytes after the last tensor");
  expect_bad_field(good, n, count_at, 4, "truncated");
  expect_bad_field(good, n, name_at, 300, "tensor name of 300 bytes, expected at most 256");
  expect_bad_field(good, n, name_at, 0, "tensor 0 has an empty name");
  expect_bad_field(good, n, shape_at, 0, "has shape (0,1,5,5), every size must be 1..");
  expect_bad_field(good, n, shape_at, 0x80000000u, "every size must be 1..2147483647");
  expect_bad_field(good, n, shape_at + 8, 0x7fffffffu, "has more than 4294967296 elements");
  expect_bad_field(good, n, shape_at + 8, 1000000, "needs 120000000 bytes, 1293 remain");
  expect_bad_field(good, n, shape_at, 14, "tensor 0 (conv1.weight) needs 1400 bytes");
  memcpy(bad, good, n);
  bad[name_at + 4] = 0;
  put_le32(bad + n - 4, cnn_crc32(0, bad, n - 4));
  expect_bad("nul-name", bad, n, "tensor name contains a NUL byte");

  /* Extra bytes before the CRC. */
  memcpy(bad, good, n - 4);
  memset(bad + n - 4, 0, 8);
  put_le32(bad + n + 4, cnn_crc32(0, bad, n + 4));
  expect_bad("extra", bad, n + 8, "8 unexpected bytes after the last tensor");

  free(bad);
  free(good);
  free_sample(&s);
}

static void test_bad_saves(void) {
  sample s;
  make_sample(&s, 13);
  CHECK_ERROR(cnn_checkpoint_save(path_in_dir("no-such-dir/x.ckpt"), &s.ck), CNN_STATUS_IO_ERROR,
              "cannot create");
  float *data = s.tensors[1].data;
  s.tensors[1].data = NULL;
  CHECK_ERROR(cnn_checkpoint_save(path_in_dir("x.ckpt"), &s.ck), CNN_STATUS_INVALID_ARGUMENT,
              "tensor 1 (conv1.bias) has no data");
  s.tensors[1].data = data;
  s.names[2] = "";
  CHECK_ERROR(cnn_checkpoint_save(path_in_dir("x.ckpt"), &s.ck), CNN_STATUS_INVALID_ARGUMENT,
              "tensor 2 needs a name");
  CHECK(access(path_in_dir("x.ckpt"), F_OK) != 0, "a refused save creates nothing");
  free_sample(&s);

  /* A save that fails while writing (the file size limit) keeps the old file. */
  sample old, big;
  make_sample(&old, 17);
  make_sample(&big, 19);
  cnn_tensor_free(&big.tensors[0]);
  CHECK_OK(cnn_tensor_init(&big.tensors[0], 64, 64, 8, 8)); /* 1 MiB */
  const char *path = path_in_dir("kept.ckpt");
  CHECK_OK(cnn_checkpoint_save(path, &old.ck));
  struct rlimit saved_limit, small = {64 * 1024, 0};
  getrlimit(RLIMIT_FSIZE, &saved_limit);
  small.rlim_max = saved_limit.rlim_max;
  signal(SIGXFSZ, SIG_IGN);
  CHECK(setrlimit(RLIMIT_FSIZE, &small) == 0, "setrlimit");
  CHECK_ERROR(cnn_checkpoint_save(path, &big.ck), CNN_STATUS_IO_ERROR, "left as it was");
  setrlimit(RLIMIT_FSIZE, &saved_limit);
  cnn_checkpoint got;
  CHECK_OK(cnn_checkpoint_load(path, &got));
  check_same(&got, &old.ck);
  cnn_checkpoint_free(&got);
  char tmp[160];
  snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  CHECK(access(tmp, F_OK) != 0, "the temporary file %s was removed", tmp);
  free_sample(&old);
  free_sample(&big);
}

int main(void) {
  dir = test_temp_dir("test_checkpoint");
  test_round_trip();
  test_exact_bytes();
  test_damage();
  test_bad_saves();
  test_remove_dir(dir);
  return test_finish("test_checkpoint");
}
