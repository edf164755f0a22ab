/* SPDX-License-Identifier: MIT */
/* Scatter-gather I/O vectors for readv(2), writev(2) and friends. */
#pragma once

#include <stddef.h>

struct iovec {
	void *iov_base;
	size_t iov_len;
};

#define UIO_MAXIOV 1024
#define IOV_MAX    UIO_MAXIOV
