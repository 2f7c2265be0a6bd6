/* The whole public API of libcnn. */
#ifndef CNN_CNN_H
#define CNN_CNN_H

#include "cnn/status.h"
#include "cnn/tensor.h"
#include "cnn/runtime.h"
#include "cnn/layers.h"
#include "cnn/data.h"
#include "cnn/checkpoint.h"
#include "cnn/image.h"
#include "cnn/plot.h"
#include "cnn/train.h"
#include "cnn/dist.h"

#define CNN_VERSION_MAJOR 0
#define CNN_VERSION_MINOR 1
#define CNN_VERSION_PATCH 0

#endif
