/* Tensors, status strings, ISA names and contexts. */
#include <stdint.h>
#include <stdlib.h>

#include "testutil.h"

static void test_tensor(void) {
  cnn_tensor t;
  CHECK_OK(cnn_tensor_init(&t, 2, 3, 5, 7));
  CHECK(cnn_tensor_numel(&t) == 210, "numel %zu", cnn_tensor_numel(&t));
  CHECK(((uintptr_t)t.data % CNN_ALIGNMENT) == 0, "data %p not aligned", (void *)t.data);
  int zero = 1;
  for (size_t i = 0; i < cnn_tensor_numel(&t); i++) zero &= t.data[i] == 0.0f;
  CHECK(zero, "a new tensor is zero-filled");
  cnn_tensor second = cnn_tensor_slice(&t, 1, 1);
  CHECK(second.data == t.data + 105 && second.n == 1 && !second.owns_data, "slice");
  cnn_tensor_free(&t);
  CHECK(t.data == NULL, "free clears");
  cnn_tensor_free(&t); /* twice is safe */

  CHECK_ERROR(cnn_tensor_init(&t, 0, 1, 1, 1), CNN_STATUS_INVALID_ARGUMENT, "below 1");
  CHECK_ERROR(cnn_tensor_init(&t, 1, -3, 1, 1), CNN_STATUS_INVALID_ARGUMENT, "(1,-3,1,1)");
  CHECK_ERROR(cnn_tensor_init(&t, 1 << 20, 1 << 20, 1 << 20, 1 << 20),
              CNN_STATUS_INVALID_ARGUMENT, "exceeds");
  CHECK_ERROR(cnn_tensor_init(NULL, 1, 1, 1, 1), CNN_STATUS_INVALID_ARGUMENT, "NULL");
}

static void test_isa(void) {
  cnn_isa isa;
  for (int i = 0; i < CNN_ISA_COUNT; i++) {
    CHECK_OK(cnn_isa_parse(cnn_isa_name((cnn_isa)i), &isa));
    CHECK(isa == (cnn_isa)i, "round trip of %s", cnn_isa_name((cnn_isa)i));
  }
  CHECK_ERROR(cnn_isa_parse("sse9", &isa), CNN_STATUS_UNSUPPORTED_ISA, "unknown ISA \"sse9\"");
  CHECK(cnn_isa_supported(CNN_ISA_SCALAR), "scalar always runs");
  CHECK(cnn_status_str(CNN_STATUS_BAD_FORMAT)[0] != '\0', "status names");

  setenv("CNN_ISA", "bogus", 1);
  CHECK_ERROR(cnn_isa_default(&isa), CNN_STATUS_UNSUPPORTED_ISA, "bogus");
  setenv("CNN_ISA", "scalar", 1);
  CHECK_OK(cnn_isa_default(&isa));
  CHECK(isa == CNN_ISA_SCALAR, "CNN_ISA=scalar forces scalar");
  unsetenv("CNN_ISA");
}

static void test_context(void) {
  cnn_context *ctx;
  CHECK_OK(cnn_context_create(3, &ctx));
  CHECK(cnn_context_num_threads(ctx) == 3, "threads");
  CHECK_OK(cnn_context_set_isa(ctx, CNN_ISA_SCALAR));
  CHECK(cnn_context_isa(ctx) == CNN_ISA_SCALAR, "isa");
  CHECK_ERROR(cnn_context_set_num_threads(ctx, 0), CNN_STATUS_INVALID_ARGUMENT, "num_threads 0");
  cnn_context_free(ctx);

  CHECK_ERROR(cnn_context_create(-1, &ctx), CNN_STATUS_INVALID_ARGUMENT, "num_threads -1");
  setenv("CNN_NUM_THREADS", "two", 1);
  CHECK_ERROR(cnn_context_create(0, &ctx), CNN_STATUS_INVALID_ARGUMENT, "CNN_NUM_THREADS");
  setenv("CNN_NUM_THREADS", "2", 1);
  CHECK_OK(cnn_context_create(0, &ctx));
  CHECK(cnn_context_num_threads(ctx) == 2, "CNN_NUM_THREADS=2");
  cnn_context_free(ctx);
  unsetenv("CNN_NUM_THREADS");
}

int main(void) {
  test_tensor();
  test_isa();
  test_context();
  return test_finish("test_runtime");
}
