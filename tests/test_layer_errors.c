/* Every argument error of the layer API returns CNN_STATUS_INVALID_ARGUMENT
 * with a message that names the function, the argument and the shapes. */
#include <stdint.h>

#include "testutil.h"

#define BAD CNN_STATUS_INVALID_ARGUMENT

static cnn_context *ctx;

static void conv_errors(void) {
  cnn_tensor x, w, b, y, dy, dx, dw, db;
  CHECK_OK(cnn_tensor_init(&x, 2, 3, 6, 6));
  CHECK_OK(cnn_tensor_init(&w, 4, 3, 3, 3));
  CHECK_OK(cnn_tensor_init(&b, 4, 1, 1, 1));
  CHECK_OK(cnn_tensor_init(&y, 2, 4, 5, 5)); /* wrong: pad 1 gives 6x6 */
  CHECK_OK(cnn_tensor_init(&dy, 2, 4, 6, 6));
  CHECK_OK(cnn_tensor_init(&dx, 2, 3, 6, 6));
  CHECK_OK(cnn_tensor_init(&dw, 4, 3, 3, 3));
  CHECK_OK(cnn_tensor_init(&db, 4, 1, 1, 1));
  cnn_conv2d_desc desc = {1, 1, 1, 1};
  int oh, ow;

  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b, &desc, &y), BAD,
              "conv2d_forward: y has shape (2,4,5,5), expected (2,4,6,6)");
  CHECK_ERROR(cnn_conv2d_forward(NULL, &x, &w, &b, &desc, &dy), BAD,
              "conv2d_forward: ctx is NULL");
  CHECK_ERROR(cnn_conv2d_forward(ctx, NULL, &w, &b, &desc, &dy), BAD,
              "conv2d_forward: x is NULL");
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, NULL, &b, &desc, &dy), BAD,
              "conv2d_forward: weight is NULL");
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b, NULL, &dy), BAD,
              "conv2d_forward: desc is NULL");
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b, &desc, NULL), BAD,
              "conv2d_forward: y is NULL");
  cnn_tensor empty = cnn_tensor_view(x.data, 0, 3, 6, 6);
  CHECK_ERROR(cnn_conv2d_forward(ctx, &empty, &w, &b, &desc, &dy), BAD,
              "conv2d_forward: x has shape (0,3,6,6), a size below 1");
  cnn_tensor no_data = cnn_tensor_view(NULL, 2, 3, 6, 6);
  CHECK_ERROR(cnn_conv2d_forward(ctx, &no_data, &w, &b, &desc, &dy), BAD,
              "conv2d_forward: x has NULL data");
  cnn_tensor w2 = cnn_tensor_view(w.data, 4, 2, 3, 3);
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w2, &b, &desc, &dy), BAD,
              "conv2d_forward: weight has shape (4,2,3,3) with 2 input channels, x has "
              "shape (2,3,6,6) with 3");
  cnn_tensor b2 = cnn_tensor_view(b.data, 3, 1, 1, 1);
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b2, &desc, &dy), BAD,
              "conv2d_forward: bias has shape (3,1,1,1), expected (4,1,1,1)");
  cnn_conv2d_desc bad = {0, 1, 0, 0};
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b, &bad, &dy), BAD,
              "conv2d_forward: stride 0x1 has a value below 1");
  bad = (cnn_conv2d_desc){1, 1, 0, -1};
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &w, &b, &bad, &dy), BAD,
              "conv2d_forward: padding 0x-1 is negative");
  cnn_tensor big = cnn_tensor_view(w.data, 1, 3, 9, 1);
  CHECK_ERROR(cnn_conv2d_forward(ctx, &x, &big, NULL, &desc, &dy), BAD,
              "conv2d_forward: filter 9x1 is larger than the padded input 8x8");

  CHECK_ERROR(cnn_conv2d_output_size(6, 6, 0, 3, &desc, &oh, &ow), BAD,
              "conv2d_output_size: filter 0x3 has a size below 1");
  CHECK_ERROR(cnn_conv2d_output_size(0, 6, 3, 3, &desc, &oh, &ow), BAD,
              "conv2d_output_size: input 0x6 has a size below 1");
  CHECK_ERROR(cnn_conv2d_output_size(6, 6, 3, 3, &desc, NULL, &ow), BAD,
              "conv2d_output_size: oh is NULL");
  CHECK_ERROR(cnn_conv2d_output_size(6, 6, 3, 3, NULL, &oh, &ow), BAD,
              "conv2d_output_size: desc is NULL");
  bad = (cnn_conv2d_desc){1, 1, 1 << 30, 1 << 30}; /* h + 2*pad overflows an int */
  CHECK_ERROR(cnn_conv2d_output_size(6, 6, 3, 3, &bad, &oh, &ow), BAD,
              "conv2d_output_size: output");
  CHECK_OK(cnn_conv2d_output_size(6, 6, 3, 3, &desc, &oh, &ow));
  CHECK(oh == 6 && ow == 6, "output %dx%d, want 6x6", oh, ow);

  CHECK_ERROR(cnn_conv2d_backward(ctx, &x, &w, &y, &desc, &dx, &dw, &db), BAD,
              "conv2d_backward: dy has shape (2,4,5,5), expected (2,4,6,6)");
  CHECK_ERROR(cnn_conv2d_backward(ctx, &x, &w, &dy, &desc, &w, &dw, &db), BAD,
              "conv2d_backward: dx has shape (4,3,3,3), expected (2,3,6,6)");
  CHECK_ERROR(cnn_conv2d_backward(ctx, &x, &w, &dy, &desc, &dx, &x, &db), BAD,
              "conv2d_backward: dweight has shape (2,3,6,6), expected (4,3,3,3)");
  CHECK_ERROR(cnn_conv2d_backward(ctx, &x, &w, &dy, &desc, &dx, &dw, &b2), BAD,
              "conv2d_backward: dbias has shape (3,1,1,1), expected (4,1,1,1)");
  CHECK_ERROR(cnn_conv2d_backward(ctx, &x, &w, NULL, &desc, &dx, &dw, &db), BAD,
              "conv2d_backward: dy is NULL");
  CHECK_OK(cnn_conv2d_backward(ctx, &x, &w, &dy, &desc, NULL, NULL, NULL));

  cnn_tensor *all[] = {&x, &w, &b, &y, &dy, &dx, &dw, &db};
  for (int i = 0; i < 8; i++) cnn_tensor_free(all[i]);
}

static void pool_errors(void) {
  cnn_tensor x, y, dx;
  CHECK_OK(cnn_tensor_init(&x, 2, 3, 5, 5));
  CHECK_OK(cnn_tensor_init(&y, 2, 3, 2, 2));
  CHECK_OK(cnn_tensor_init(&dx, 2, 3, 5, 5));
  cnn_pool2d_desc desc = {CNN_POOL_MAX, 2, 2, 2, 2, 0, 0};
  int oh, ow;
  CHECK_OK(cnn_pool2d_forward(ctx, &x, &desc, &y));
  desc.pad_h = 1; /* 3x2 output now */
  CHECK_ERROR(cnn_pool2d_forward(ctx, &x, &desc, &y), BAD,
              "pool2d_forward: y has shape (2,3,2,2), expected (2,3,3,2)");
  CHECK_ERROR(cnn_pool2d_backward(ctx, &x, &y, &desc, &dx), BAD,
              "pool2d_backward: dy has shape (2,3,2,2), expected (2,3,3,2)");
  desc.pad_h = 0;
  CHECK_ERROR(cnn_pool2d_backward(ctx, &x, &y, &desc, &y), BAD,
              "pool2d_backward: dx has shape (2,3,2,2), expected (2,3,5,5)");
  CHECK_ERROR(cnn_pool2d_backward(ctx, &x, &y, &desc, NULL), BAD,
              "pool2d_backward: dx is NULL");
  CHECK_ERROR(cnn_pool2d_forward(NULL, &x, &desc, &y), BAD, "pool2d_forward: ctx is NULL");
  CHECK_ERROR(cnn_pool2d_forward(ctx, NULL, &desc, &y), BAD, "pool2d_forward: x is NULL");
  CHECK_ERROR(cnn_pool2d_forward(ctx, &x, NULL, &y), BAD, "pool2d_forward: desc is NULL");
  cnn_pool2d_desc bad = {(cnn_pool_kind)7, 2, 2, 2, 2, 0, 0};
  CHECK_ERROR(cnn_pool2d_forward(ctx, &x, &bad, &y), BAD,
              "pool2d_forward: desc->kind 7 is neither");
  bad = (cnn_pool2d_desc){CNN_POOL_AVG, 2, 2, 2, 2, 2, 0};
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &bad, &oh, &ow), BAD,
              "pool2d_output_size: padding 2x0 is not below the window 2x2");
  bad = (cnn_pool2d_desc){CNN_POOL_AVG, 6, 2, 1, 1, 0, 0};
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &bad, &oh, &ow), BAD,
              "pool2d_output_size: window 6x2 is larger than the padded input 5x5");
  bad = (cnn_pool2d_desc){CNN_POOL_AVG, 2, -1, 1, 1, 0, 0};
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &bad, &oh, &ow), BAD,
              "pool2d_output_size: window 2x-1 has a size below 1");
  bad = (cnn_pool2d_desc){CNN_POOL_AVG, 2, 2, 1, -2, 0, 0};
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &bad, &oh, &ow), BAD,
              "pool2d_output_size: stride 1x-2 has a value below 1");
  bad = (cnn_pool2d_desc){CNN_POOL_AVG, 2, 2, 1, 1, -1, 0};
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &bad, &oh, &ow), BAD,
              "pool2d_output_size: padding -1x0 is negative");
  CHECK_ERROR(cnn_pool2d_output_size(5, 5, &desc, &oh, NULL), BAD,
              "pool2d_output_size: ow is NULL");
  cnn_tensor_free(&x);
  cnn_tensor_free(&y);
  cnn_tensor_free(&dx);
}

static void affine_errors(void) {
  cnn_tensor x, w, b, y, dx, dw, db;
  CHECK_OK(cnn_tensor_init(&x, 2, 3, 2, 2));
  CHECK_OK(cnn_tensor_init(&w, 5, 12, 1, 1));
  CHECK_OK(cnn_tensor_init(&b, 5, 1, 1, 1));
  CHECK_OK(cnn_tensor_init(&y, 2, 5, 1, 1));
  CHECK_OK(cnn_tensor_init(&dx, 2, 3, 2, 2));
  CHECK_OK(cnn_tensor_init(&dw, 5, 12, 1, 1));
  CHECK_OK(cnn_tensor_init(&db, 5, 1, 1, 1));
  CHECK_OK(cnn_affine_forward(ctx, &x, &w, &b, &y));
  cnn_tensor w2 = cnn_tensor_view(w.data, 5, 11, 1, 1);
  CHECK_ERROR(cnn_affine_forward(ctx, &x, &w2, &b, &y), BAD,
              "affine_forward: weight has shape (5,11,1,1), expected (5,12,1,1) for x of "
              "shape (2,3,2,2)");
  CHECK_ERROR(cnn_affine_forward(ctx, &x, &w, &y, &y), BAD,
              "affine_forward: bias has shape (2,5,1,1), expected (5,1,1,1)");
  CHECK_ERROR(cnn_affine_forward(ctx, &x, &w, NULL, &b), BAD,
              "affine_forward: y has shape (5,1,1,1), expected (2,5,1,1)");
  CHECK_ERROR(cnn_affine_forward(NULL, &x, &w, NULL, &y), BAD, "affine_forward: ctx is NULL");
  CHECK_ERROR(cnn_affine_forward(ctx, &x, NULL, NULL, &y), BAD,
              "affine_forward: weight is NULL");
  CHECK_ERROR(cnn_affine_backward(ctx, &x, &w, &b, &dx, &dw, &db), BAD,
              "affine_backward: dy has shape (5,1,1,1), expected (2,5,1,1)");
  CHECK_ERROR(cnn_affine_backward(ctx, &x, &w, &y, &dw, &dw, &db), BAD,
              "affine_backward: dx has shape (5,12,1,1), expected (2,3,2,2)");
  CHECK_ERROR(cnn_affine_backward(ctx, &x, &w, &y, &dx, &dx, &db), BAD,
              "affine_backward: dweight has shape (2,3,2,2), expected (5,12,1,1)");
  CHECK_ERROR(cnn_affine_backward(ctx, &x, &w, &y, &dx, &dw, &dw), BAD,
              "affine_backward: dbias has shape (5,12,1,1), expected (5,1,1,1)");
  CHECK_OK(cnn_affine_backward(ctx, &x, &w, &y, NULL, NULL, NULL));
  cnn_tensor *all[] = {&x, &w, &b, &y, &dx, &dw, &db};
  for (int i = 0; i < 7; i++) cnn_tensor_free(all[i]);
}

static void activation_and_flatten_errors(void) {
  cnn_tensor x, y;
  CHECK_OK(cnn_tensor_init(&x, 2, 3, 4, 5));
  CHECK_OK(cnn_tensor_init(&y, 2, 3, 5, 4));
  CHECK_ERROR(cnn_activation_forward(ctx, CNN_ACT_RELU, &x, &y), BAD,
              "activation_forward: y has shape (2,3,5,4), expected (2,3,4,5)");
  CHECK_ERROR(cnn_activation_forward(ctx, (cnn_activation)9, &x, &x), BAD,
              "activation_forward: act 9 is not");
  CHECK_ERROR(cnn_activation_forward(NULL, CNN_ACT_RELU, &x, &x), BAD,
              "activation_forward: ctx is NULL");
  CHECK_ERROR(cnn_activation_backward(ctx, CNN_ACT_TANH, &x, &y, &x), BAD,
              "activation_backward: dy has shape (2,3,5,4), expected (2,3,4,5)");
  CHECK_ERROR(cnn_activation_backward(ctx, CNN_ACT_TANH, &x, &x, &y), BAD,
              "activation_backward: dx has shape (2,3,5,4), expected (2,3,4,5)");
  CHECK_ERROR(cnn_activation_backward(ctx, CNN_ACT_SIGMOID, NULL, &x, &x), BAD,
              "activation_backward: y is NULL");

  cnn_tensor view;
  CHECK_OK(cnn_flatten(&x, &view));
  CHECK(view.data == x.data && view.n == 2 && view.c == 60 && view.h == 1 &&
            view.w == 1 && !view.owns_data,
        "flatten view (%d,%d,%d,%d)", view.n, view.c, view.h, view.w);
  CHECK_ERROR(cnn_flatten(&x, NULL), BAD, "flatten: view is NULL");
  CHECK_ERROR(cnn_flatten(NULL, &view), BAD, "flatten: x is NULL");
  cnn_tensor wide = cnn_tensor_view(x.data, 1, 1 << 16, 1 << 16, 1);
  CHECK_ERROR(cnn_flatten(&wide, &view), BAD, "features per image exceed");
  cnn_tensor_free(&x);
  cnn_tensor_free(&y);
}

static void softmax_errors(void) {
  cnn_tensor logits, probs;
  CHECK_OK(cnn_tensor_init(&logits, 3, 4, 1, 1));
  CHECK_OK(cnn_tensor_init(&probs, 3, 4, 1, 1));
  const int32_t labels[] = {0, 3, 1}, high[] = {0, 4, 1}, negative[] = {-1, 0, 0};
  float loss;
  CHECK_OK(cnn_softmax_xent_forward(ctx, &logits, labels, &probs, &loss));
  CHECK_ERROR(cnn_softmax_xent_forward(ctx, &logits, high, &probs, &loss), BAD,
              "softmax_xent_forward: labels[1] = 4 is outside 0..3");
  CHECK_ERROR(cnn_softmax_xent_forward(ctx, &logits, negative, &probs, &loss), BAD,
              "softmax_xent_forward: labels[0] = -1 is outside 0..3");
  CHECK_ERROR(cnn_softmax_xent_forward(ctx, &logits, NULL, &probs, &loss), BAD,
              "softmax_xent_forward: labels is NULL");
  CHECK_ERROR(cnn_softmax_xent_forward(ctx, &logits, labels, &probs, NULL), BAD,
              "softmax_xent_forward: loss is NULL");
  cnn_tensor wrong = cnn_tensor_view(probs.data, 4, 3, 1, 1);
  CHECK_ERROR(cnn_softmax_xent_forward(ctx, &logits, labels, &wrong, &loss), BAD,
              "softmax_xent_forward: probs has shape (4,3,1,1), expected (3,4,1,1)");
  CHECK_ERROR(cnn_softmax_xent_backward(ctx, &probs, high, &probs), BAD,
              "softmax_xent_backward: labels[1] = 4 is outside 0..3");
  CHECK_ERROR(cnn_softmax_xent_backward(ctx, &probs, labels, &wrong), BAD,
              "softmax_xent_backward: dlogits has shape (4,3,1,1), expected (3,4,1,1)");
  CHECK_ERROR(cnn_softmax_xent_backward(NULL, &probs, labels, &probs), BAD,
              "softmax_xent_backward: ctx is NULL");
  cnn_tensor_free(&logits);
  cnn_tensor_free(&probs);
}

int main(void) {
  CHECK_OK(cnn_context_create(1, &ctx));
  conv_errors();
  pool_errors();
  affine_errors();
  activation_and_flatten_errors();
  softmax_errors();
  cnn_context_free(ctx);
  return test_finish("test_layer_errors");
}
