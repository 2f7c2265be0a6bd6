/* Internal: CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), the
 * checksum of zlib, gzip and PNG. */
#ifndef CNN_IO_CRC32_H
#define CNN_IO_CRC32_H

#include <stddef.h>
#include <stdint.h>

/* The CRC of data appended to a stream whose CRC so far is crc (0 for an
 * empty stream), so a CRC can be computed piece by piece. */
uint32_t cnn_crc32(uint32_t crc, const void *data, size_t n);

#endif
