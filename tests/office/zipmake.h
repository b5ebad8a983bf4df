/* zipmake.h - writes small zip archives in memory, for the tests of Word
 * and OpenDocument input (tests/unit/test_office.c, tests/fuzz/fuzz_office.c).
 * It uses malloc, not hmmm's allocator, so failing hmmm's allocations leaves
 * it alone, and aborts when memory runs out. */
#ifndef HMMM_ZIPMAKE_H
#define HMMM_ZIPMAKE_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef struct zm_bytes {
    unsigned char *data;
    size_t len, cap;
} zm_bytes;

typedef struct zipmake {
    zm_bytes out, cd;
    unsigned n;
} zipmake;

static void zm_put(zm_bytes *b, const void *p, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 1024;
        while (cap < b->len + n)
            cap *= 2;
        b->data = realloc(b->data, cap);
        if (!b->data)
            abort();
        b->cap = cap;
    }
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
}

static void zm_u16(zm_bytes *b, unsigned v)
{
    unsigned char x[2] = {(unsigned char)v, (unsigned char)(v >> 8)};
    zm_put(b, x, 2);
}

static void zm_u32(zm_bytes *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    zm_put(b, x, 4);
}

/* Adds member NAME holding LEN bytes of DATA, deflated when DEFLATED. */
static void zipmake_add(zipmake *z, const char *name, const void *data, size_t len, int deflated)
{
    uint32_t crc = (uint32_t)crc32(0, data, (uInt)len);
    unsigned char *packed = (unsigned char *)data;
    size_t plen = len;
    if (deflated) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (deflateInit2(&zs, 9, Z_DEFLATED, -MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
            abort();
        plen = deflateBound(&zs, (uLong)len);
        packed = malloc(plen ? plen : 1);
        if (!packed)
            abort();
        zs.next_in = (Bytef *)data;
        zs.avail_in = (uInt)len;
        zs.next_out = packed;
        zs.avail_out = (uInt)plen;
        if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
            abort();
        plen = zs.total_out;
        deflateEnd(&zs);
    }
    size_t nl = strlen(name);
    uint32_t at = (uint32_t)z->out.len;
    zm_u32(&z->out, 0x04034b50);
    zm_u16(&z->out, 20);
    zm_u16(&z->out, 0);
    zm_u16(&z->out, deflated ? 8 : 0);
    zm_u16(&z->out, 0);
    zm_u16(&z->out, 0x21);
    zm_u32(&z->out, crc);
    zm_u32(&z->out, (uint32_t)plen);
    zm_u32(&z->out, (uint32_t)len);
    zm_u16(&z->out, (unsigned)nl);
    zm_u16(&z->out, 0);
    zm_put(&z->out, name, nl);
    zm_put(&z->out, packed, plen);
    zm_u32(&z->cd, 0x02014b50);
    zm_u16(&z->cd, 0x031e);
    zm_u16(&z->cd, 20);
    zm_u16(&z->cd, 0);
    zm_u16(&z->cd, deflated ? 8 : 0);
    zm_u16(&z->cd, 0);
    zm_u16(&z->cd, 0x21);
    zm_u32(&z->cd, crc);
    zm_u32(&z->cd, (uint32_t)plen);
    zm_u32(&z->cd, (uint32_t)len);
    zm_u16(&z->cd, (unsigned)nl);
    zm_u16(&z->cd, 0);
    zm_u16(&z->cd, 0);
    zm_u16(&z->cd, 0);
    zm_u16(&z->cd, 0);
    zm_u32(&z->cd, 0);
    zm_u32(&z->cd, at);
    zm_put(&z->cd, name, nl);
    z->n++;
    if (packed != data)
        free(packed);
}

/* The archive (free it), its length in *LEN. */
static unsigned char *zipmake_finish(zipmake *z, size_t *len)
{
    uint32_t at = (uint32_t)z->out.len;
    zm_put(&z->out, z->cd.data, z->cd.len);
    zm_u32(&z->out, 0x06054b50);
    zm_u16(&z->out, 0);
    zm_u16(&z->out, 0);
    zm_u16(&z->out, z->n);
    zm_u16(&z->out, z->n);
    zm_u32(&z->out, (uint32_t)z->cd.len);
    zm_u32(&z->out, at);
    zm_u16(&z->out, 0);
    free(z->cd.data);
    *len = z->out.len;
    unsigned char *data = z->out.data;
    memset(z, 0, sizeof *z);
    return data;
}

#endif
