/*
 * libauralis_decode.so: Ogg Vorbis decoding with libavcodec, for the offline reader
 * (host/Auralis.Offline/SndFile/VorbisDecoder.cs).
 *
 * Why it exists: libvorbis (what libsndfile decodes Vorbis with) spends most of a 256 kb/s track in its Huffman
 * codebook reader; libavcodec's Vorbis decoder reads the same packets 1.5-2.1x faster here (docs/benchmarks.md), and
 * decoding was most of a whole-track analysis. libsndfile still opens every file and says what it is; only the
 * samples of Ogg Vorbis come from here, and they agree with libvorbis's to float rounding
 * (tests/Auralis.Tests/VorbisDecodingTests.cs).
 *
 * The Ogg pages are read here, not by libavformat: a sample's place in the stream is defined by the pages' granule
 * positions, and libavformat's Ogg demuxer times the packets after a seek from a guess of the block before them (off
 * by 448 samples on Debian's wesnoth music, measured). Reading the pages ourselves, a seek lands on a page boundary,
 * and every sample decoded from there is placed from that page's granule position: seeking is exact by construction.
 *
 * One decoder object is used by one thread at a time. Damaged input (a page whose checksum fails, a lost page
 * boundary) is an error naming the byte offset, never skipped silently; a file that ends mid-page ends there.
 */
#define _FILE_OFFSET_BITS 64
#define _POSIX_C_SOURCE 200809L
#include <libavcodec/avcodec.h>
#include <libavutil/avutil.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXPORT __attribute__((visibility("default")))

enum { HEADER_BYTES = 27, MAX_BODY = 255 * 255, MAX_PACKET = 64 << 20, CONTINUED = 1, FIRST_PAGE = 2, LAST_PAGE = 4 };

typedef struct page {
    int64_t offset;      /* of its capture pattern in the file */
    int64_t granule;     /* -1: no packet ends on it */
    uint32_t serial;
    int flags;
    int segments;
    uint8_t lacing[255];
    int body_bytes;
} page;

/* What the seek index keeps of each page of the stream. */
typedef struct page_entry {
    int64_t offset;
    int64_t granule;
    int flags;
    int packets_ended;
} page_entry;

/* A decoded frame and how much of it is still to be returned. */
typedef struct queued_frame {
    AVFrame *frame;
    int start;          /* first sample not yet returned or dropped */
    int64_t granule;    /* of sample 0 of the frame, once placed */
} queued_frame;

typedef struct auralis_decoder {
    FILE *file;
    int64_t file_size;
    uint32_t serial;
    int64_t first_audio_page;   /* offset of the page the audio packets start on (the setup header may end on it) */
    int first_audio_segment;    /* its first lacing value and body byte after the headers */
    int first_audio_body_at;
    int resume_first_page;      /* the next page read is the first audio page: start after the headers */
    AVCodecContext *codec;
    AVPacket *packet;
    AVFrame *spare;             /* the frame the decoder fills next (kept when it comes back empty) */
    int channels;
    int sample_rate;

    page current;               /* the page whose segments are being read */
    uint8_t body[MAX_BODY];
    int segment;                /* next lacing value of `current` */
    int body_at;                /* next byte of `body` */
    int have_page;
    int end_of_file;
    uint8_t *assembly;          /* the packet being put together (with libavcodec's padding) */
    int assembly_bytes;
    int assembly_capacity;
    int dropping_continuation;  /* after a restart: the first bytes belong to a packet begun on an earlier page */

    queued_frame *queue;        /* decoded, not yet returned */
    int queued;
    int queue_capacity;
    int placed;                 /* the queue's frames have granules (a page end has been seen since the restart) */
    int have_anchor;            /* a page end with nothing decoded since the restart was seen: */
    int64_t anchor;             /* its granule, where the first decoded sample goes (0 at the start of the stream) */
    int64_t next_granule;       /* granule of the sample after the last queued one, once placed */
    int64_t skip_before;        /* samples before this granule are dropped (0 from the start; the target after a seek) */
    int64_t end_granule;        /* samples from this granule on are dropped (the last page's granule); INT64_MAX */
    int64_t base;               /* granule of frame 0 of the file */
    int drained;

    page_entry *index;          /* every page of the stream, built at the first seek */
    int index_count;

    char error[512];
} auralis_decoder;

static uint32_t crc_table[256];
static pthread_once_t initialised = PTHREAD_ONCE_INIT;

/* Once per process (readers open files on several threads): the page checksum table, and libav's logging off —
 * failures are reported through each decoder's error text, not printed. */
static void initialise(void)
{
    av_log_set_level(AV_LOG_QUIET);
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t r = i << 24;
        for (int k = 0; k < 8; k++) {
            r = r & 0x80000000u ? (r << 1) ^ 0x04c11db7u : r << 1;
        }
        crc_table[i] = r;
    }
}

static uint32_t crc_update(uint32_t crc, const uint8_t *data, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        crc = (crc << 8) ^ crc_table[((crc >> 24) ^ data[i]) & 0xff];
    }
    return crc;
}

static int fail(auralis_decoder *d, const char *what, int code)
{
    char detail[256] = "";
    if (code < 0) {
        av_strerror(code, detail, sizeof detail);
    }
    snprintf(d->error, sizeof d->error, "%s%s%s", what, detail[0] ? ": " : "", detail);
    return -1;
}

static uint32_t le32(const uint8_t *p) { return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }

/*
 * Reads the page at the file position into `p` (and its body into `body` when given). 1: a page; 0: the end of the
 * file (or a last page cut short); -1: damaged (d->error names the offset).
 */
static int read_page(auralis_decoder *d, page *p, uint8_t *body)
{
    uint8_t header[HEADER_BYTES];
    p->offset = ftello(d->file);
    size_t got = fread(header, 1, HEADER_BYTES, d->file);
    if (got < HEADER_BYTES) {
        return 0;
    }
    if (memcmp(header, "OggS", 4) != 0 || header[4] != 0) {
        snprintf(d->error, sizeof d->error, "the file is damaged: no Ogg page at byte %lld", (long long)p->offset);
        return -1;
    }
    p->flags = header[5];
    p->granule = (int64_t)((uint64_t)le32(header + 6) | (uint64_t)le32(header + 10) << 32);
    p->serial = le32(header + 14);
    p->segments = header[26];
    if (fread(p->lacing, 1, (size_t)p->segments, d->file) < (size_t)p->segments) {
        return 0;
    }
    p->body_bytes = 0;
    for (int i = 0; i < p->segments; i++) {
        p->body_bytes += p->lacing[i];
    }
    if (!body) {
        return fseeko(d->file, p->body_bytes, SEEK_CUR) == 0 && p->offset + HEADER_BYTES + p->segments + p->body_bytes <= d->file_size;
    }
    if (fread(body, 1, (size_t)p->body_bytes, d->file) < (size_t)p->body_bytes) {
        return 0;
    }
    uint32_t stored = le32(header + 22);
    memset(header + 22, 0, 4);
    uint32_t crc = crc_update(0, header, HEADER_BYTES);
    crc = crc_update(crc, p->lacing, (size_t)p->segments);
    crc = crc_update(crc, body, (size_t)p->body_bytes);
    if (crc != stored) {
        snprintf(d->error, sizeof d->error, "the file is damaged: the Ogg page at byte %lld fails its checksum",
                 (long long)p->offset);
        return -1;
    }
    return 1;
}

static int append(auralis_decoder *d, const uint8_t *data, int n)
{
    if (d->assembly_bytes + n > MAX_PACKET) {
        snprintf(d->error, sizeof d->error, "the file is damaged: a Vorbis packet of more than %d bytes", MAX_PACKET);
        return -1;
    }
    int needed = d->assembly_bytes + n + AV_INPUT_BUFFER_PADDING_SIZE;
    if (needed > d->assembly_capacity) {
        int capacity = needed * 2 > MAX_PACKET + AV_INPUT_BUFFER_PADDING_SIZE ? MAX_PACKET + AV_INPUT_BUFFER_PADDING_SIZE : needed * 2;
        uint8_t *grown = realloc(d->assembly, (size_t)capacity);
        if (!grown) {
            snprintf(d->error, sizeof d->error, "out of memory");
            return -1;
        }
        d->assembly = grown;
        d->assembly_capacity = capacity;
    }
    memcpy(d->assembly + d->assembly_bytes, data, (size_t)n);
    d->assembly_bytes += n;
    memset(d->assembly + d->assembly_bytes, 0, AV_INPUT_BUFFER_PADDING_SIZE);
    return 0;
}

/*
 * The next whole packet of the stream into d->assembly. 1: a packet (*page_end: it is the last packet ending on its
 * page, whose granule is *granule; *last_page: that page ends the stream); 0: no more; -1: damaged.
 */
static int next_packet(auralis_decoder *d, int *page_end, int64_t *granule, int *last_page)
{
    d->assembly_bytes = 0;
    for (;;) {
        if (!d->have_page) {
            if (d->end_of_file) {
                return 0;
            }
            int r;
            do {
                r = read_page(d, &d->current, d->body);
            } while (r == 1 && d->current.serial != d->serial);
            if (r <= 0) {
                d->end_of_file = 1;
                return r;
            }
            d->have_page = 1;
            d->segment = 0;
            d->body_at = 0;
            if (d->resume_first_page) {
                d->resume_first_page = 0;
                d->segment = d->first_audio_segment;
                d->body_at = d->first_audio_body_at;
                d->dropping_continuation = 0;
                continue;
            }
            if (!(d->current.flags & CONTINUED)) {
                if (d->assembly_bytes > 0) {
                    snprintf(d->error, sizeof d->error, "the file is damaged: a packet is cut off before byte %lld",
                             (long long)d->current.offset);
                    return -1;
                }
                d->dropping_continuation = 0;
            }
        }
        while (d->segment < d->current.segments) {
            int n = d->current.lacing[d->segment++];
            const uint8_t *data = d->body + d->body_at;
            d->body_at += n;
            if (!d->dropping_continuation && append(d, data, n) < 0) {
                return -1;
            }
            if (n < 255) {
                if (d->dropping_continuation) {
                    d->dropping_continuation = 0;
                    d->assembly_bytes = 0;
                    continue;
                }
                /* The last packet ending on the page: only a packet continued onto the next page may follow. */
                int last_ending = 1;
                for (int s = d->segment; s < d->current.segments && last_ending; s++) {
                    last_ending = d->current.lacing[s] == 255;
                }
                *page_end = last_ending;
                *granule = d->current.granule;
                *last_page = (d->current.flags & LAST_PAGE) != 0;
                if (d->segment == d->current.segments) {
                    d->have_page = 0;
                }
                return 1;
            }
        }
        d->have_page = 0;
        if (d->current.flags & LAST_PAGE) {
            d->end_of_file = 1;
        }
    }
}

static void clear_queue(auralis_decoder *d)
{
    for (int i = 0; i < d->queued; i++) {
        av_frame_free(&d->queue[i].frame);
    }
    d->queued = 0;
}

EXPORT void auralis_decode_close(auralis_decoder *d)
{
    if (!d) {
        return;
    }
    clear_queue(d);
    free(d->queue);
    free(d->index);
    free(d->assembly);
    av_frame_free(&d->spare);
    av_packet_free(&d->packet);
    avcodec_free_context(&d->codec);
    if (d->file) {
        fclose(d->file);
    }
    free(d);
}

/* Starts decoding afresh at the page at `offset` (a page no packet continues into). */
static int restart(auralis_decoder *d, int64_t offset, int64_t skip_before)
{
    if (fseeko(d->file, offset, SEEK_SET) != 0) {
        return fail(d, "cannot seek in the file", 0);
    }
    avcodec_flush_buffers(d->codec);
    clear_queue(d);
    d->have_page = 0;
    d->end_of_file = 0;
    d->assembly_bytes = 0;
    d->dropping_continuation = 1; /* harmless when the page starts a packet: cleared by its header */
    d->placed = 0;
    d->skip_before = skip_before;
    d->end_granule = INT64_MAX;
    d->drained = 0;
    d->resume_first_page = offset == d->first_audio_page;
    d->have_anchor = d->resume_first_page;
    d->anchor = 0;
    return 0;
}

/* Gives queued frames their granules, counting back from `granule`, the one after the last queued sample. */
static void place(auralis_decoder *d, int64_t granule)
{
    int64_t g = granule;
    for (int i = d->queued - 1; i >= 0; i--) {
        g -= d->queue[i].frame->nb_samples;
        d->queue[i].granule = g;
    }
    d->next_granule = granule;
    d->placed = 1;
}

/* Places the queued frames so that the first starts at the anchor. */
static void place_from_anchor(auralis_decoder *d)
{
    int64_t decoded = 0;
    for (int i = 0; i < d->queued; i++) {
        decoded += d->queue[i].frame->nb_samples;
    }
    place(d, d->anchor + decoded);
}

static int push_frame(auralis_decoder *d, AVFrame *frame)
{
    if (frame->format != AV_SAMPLE_FMT_FLTP || frame->ch_layout.nb_channels != d->channels) {
        av_frame_free(&frame);
        return fail(d, "the stream changes its sample format or channel count mid-file", 0);
    }
    if (d->queued == d->queue_capacity) {
        int capacity = d->queue_capacity ? d->queue_capacity * 2 : 64;
        queued_frame *grown = realloc(d->queue, (size_t)capacity * sizeof *grown);
        if (!grown) {
            av_frame_free(&frame);
            return fail(d, "out of memory", 0);
        }
        d->queue = grown;
        d->queue_capacity = capacity;
    }
    queued_frame *q = &d->queue[d->queued++];
    q->frame = frame;
    q->start = 0;
    q->granule = 0;
    if (d->placed) {
        q->granule = d->next_granule;
        d->next_granule += frame->nb_samples;
    }
    return 0;
}

/* Decodes one more packet into the queue. 1: progress; 0: the stream is over; -1: an error. */
static int decode_more(auralis_decoder *d)
{
    if (d->drained) {
        return 0;
    }
    int page_end = 0, last_page = 0;
    int64_t granule = -1;
    int have_packet = next_packet(d, &page_end, &granule, &last_page);
    if (have_packet < 0) {
        return -1;
    }
    if (!have_packet) {
        d->drained = 1;
        avcodec_send_packet(d->codec, NULL);
    } else if (d->assembly_bytes > 0) { /* an empty packet is a hole in the stream; to libavcodec it would mean "drain" */
        if (last_page && granule >= 0) {
            d->end_granule = granule; /* the last page's granule ends the stream: the rest of its block is padding */
        }
        d->packet->data = d->assembly;
        d->packet->size = d->assembly_bytes;
        int r = avcodec_send_packet(d->codec, d->packet);
        if (r < 0) {
            return fail(d, r == AVERROR_INVALIDDATA ? "the file is damaged: libavcodec rejects a Vorbis packet" : "decoding failed", r);
        }
    }
    for (;;) {
        if (!d->spare && !(d->spare = av_frame_alloc())) {
            return fail(d, "out of memory", 0);
        }
        int r = avcodec_receive_frame(d->codec, d->spare);
        if (r == AVERROR(EAGAIN) || r == AVERROR_EOF) {
            break;
        }
        if (r < 0) {
            return fail(d, "decoding failed", r);
        }
        if (d->spare->nb_samples == 0) {
            av_frame_unref(d->spare);
            continue;
        }
        AVFrame *frame = d->spare;
        d->spare = NULL; /* the queue owns it now */
        if (push_frame(d, frame) < 0) {
            return -1;
        }
    }
    /*
     * Placed at the first page end after the restart with samples decoded, counting back from its granule (a stream's
     * first page may say to drop samples from the start). A page that only completes the packet priming the decoder
     * can carry a granule that disagrees with the pages after it (Debian's wesnoth music has such streams; their next
     * page drops the first 128 samples, as libvorbis does), so it only anchors the start in case the next is the last
     * page: there the granule ends the stream (padding dropped from the end) and the samples count on from the anchor.
     */
    if (!d->placed && have_packet && page_end && granule >= 0) {
        if (d->queued == 0) {
            d->have_anchor = 1;
            d->anchor = granule;
        } else if (last_page && d->have_anchor) {
            place_from_anchor(d);
        } else {
            place(d, granule);
        }
    }
    if (!d->placed && d->drained) {
        /* The stream ended before a page end placed anything (a file cut inside its first pages). */
        if (!d->have_anchor) {
            return fail(d, "the file is damaged: no page after the seek says where its samples are", 0);
        }
        place_from_anchor(d);
    }
    return 1;
}

/* Opens `path`'s Vorbis stream. On failure returns NULL with the reason in `error`. */
EXPORT auralis_decoder *auralis_decode_open(const char *path, char *error, int error_size)
{
    pthread_once(&initialised, initialise);
    auralis_decoder *d = calloc(1, sizeof *d);
    if (!d) {
        snprintf(error, (size_t)error_size, "out of memory");
        return NULL;
    }
    d->file = fopen(path, "rb");
    if (!d->file || fseeko(d->file, 0, SEEK_END) != 0 || (d->file_size = ftello(d->file)) < 0 || fseeko(d->file, 0, SEEK_SET) != 0) {
        snprintf(error, (size_t)error_size, "cannot open the file");
        auralis_decode_close(d);
        return NULL;
    }
    setvbuf(d->file, NULL, _IOFBF, 1 << 16);

    /* The first page that begins a logical stream with a Vorbis identification header names the stream. */
    int found = 0;
    for (int pages = 0; !found && pages < 64; pages++) {
        int r = read_page(d, &d->current, d->body);
        if (r <= 0 || !(d->current.flags & FIRST_PAGE)) {
            break;
        }
        found = d->current.body_bytes >= 7 && memcmp(d->body, "\x01vorbis", 7) == 0;
        d->serial = d->current.serial;
    }
    if (!found) {
        snprintf(error, (size_t)error_size, "%s", d->error[0] ? d->error : "the file has no Ogg Vorbis stream");
        auralis_decode_close(d);
        return NULL;
    }
    /* The three header packets (identification, comments, setup) go to the decoder as Xiph-laced extradata. */
    uint8_t *headers[3] = {0};
    int sizes[3] = {0};
    fseeko(d->file, d->current.offset, SEEK_SET);
    int ok = 1;
    for (int h = 0; h < 3 && ok; h++) {
        int page_end, last_page;
        int64_t granule;
        ok = next_packet(d, &page_end, &granule, &last_page) == 1 && d->assembly_bytes >= 7 &&
             d->assembly[0] == 1 + 2 * h && memcmp(d->assembly + 1, "vorbis", 6) == 0;
        if (ok) {
            headers[h] = malloc((size_t)d->assembly_bytes);
            ok = headers[h] != NULL;
            if (ok) {
                memcpy(headers[h], d->assembly, (size_t)d->assembly_bytes);
                sizes[h] = d->assembly_bytes;
            }
        }
    }
    int extradata_size = 1 + sizes[0] / 255 + 1 + sizes[1] / 255 + 1 + sizes[0] + sizes[1] + sizes[2];
    uint8_t *extradata = ok ? av_mallocz((size_t)extradata_size + AV_INPUT_BUFFER_PADDING_SIZE) : NULL;
    if (extradata) {
        uint8_t *p = extradata;
        *p++ = 2;
        for (int h = 0; h < 2; h++) {
            int n = sizes[h];
            for (; n >= 255; n -= 255) {
                *p++ = 255;
            }
            *p++ = (uint8_t)n;
        }
        for (int h = 0; h < 3; h++) {
            memcpy(p, headers[h], (size_t)sizes[h]);
            p += sizes[h];
        }
    }
    for (int h = 0; h < 3; h++) {
        free(headers[h]);
    }
    if (!extradata) {
        snprintf(error, (size_t)error_size, "%s", d->error[0] ? d->error : "the Vorbis headers are missing or damaged");
        auralis_decode_close(d);
        return NULL;
    }
    const AVCodec *codec = avcodec_find_decoder(AV_CODEC_ID_VORBIS);
    d->codec = codec ? avcodec_alloc_context3(codec) : NULL;
    d->packet = av_packet_alloc();
    if (!d->codec || !d->packet) {
        av_free(extradata);
        snprintf(error, (size_t)error_size, "libavcodec has no Vorbis decoder");
        auralis_decode_close(d);
        return NULL;
    }
    d->codec->extradata = extradata;
    d->codec->extradata_size = extradata_size;
    int r = avcodec_open2(d->codec, codec, NULL);
    if (r < 0) {
        fail(d, "libavcodec rejects the Vorbis headers", r);
        snprintf(error, (size_t)error_size, "%s", d->error);
        auralis_decode_close(d);
        return NULL;
    }
    d->channels = d->codec->ch_layout.nb_channels;
    d->sample_rate = d->codec->sample_rate;
    if (d->codec->sample_fmt != AV_SAMPLE_FMT_FLTP || d->channels < 1 || d->sample_rate < 1) {
        snprintf(error, (size_t)error_size, "libavcodec's Vorbis decoder gives %d channels at %d Hz as %s, not planar float",
                 d->channels, d->sample_rate, av_get_sample_fmt_name(d->codec->sample_fmt));
        auralis_decode_close(d);
        return NULL;
    }
    /* The Vorbis mapping asks for the audio to start on a fresh page; many files start it on the setup's last page. */
    d->first_audio_page = d->have_page ? d->current.offset : ftello(d->file);
    d->first_audio_segment = d->have_page ? d->segment : 0;
    d->first_audio_body_at = d->have_page ? d->body_at : 0;

    /* Frame 0 is the first sample at granule 0 or later (a stream may begin with samples to drop, or late). */
    d->base = 0;
    if (restart(d, d->first_audio_page, 0) < 0) {
        snprintf(error, (size_t)error_size, "%s", d->error);
        auralis_decode_close(d);
        return NULL;
    }
    while (!d->placed) {
        r = decode_more(d);
        if (r < 0) {
            snprintf(error, (size_t)error_size, "%s", d->error);
            auralis_decode_close(d);
            return NULL;
        }
    }
    if (d->queued > 0 && d->queue[0].granule > 0) {
        d->base = d->queue[0].granule;
    }
    return d;
}

EXPORT int auralis_decode_channels(const auralis_decoder *d) { return d->channels; }
EXPORT int auralis_decode_sample_rate(const auralis_decoder *d) { return d->sample_rate; }
EXPORT const char *auralis_decode_error(const auralis_decoder *d) { return d->error; }

/*
 * The file's channel that libavcodec puts in plane `plane`: it reorders Vorbis's 3-8 channel layouts (L C R ... for
 * 3, 5-8 channels) into FFmpeg's (L R C ...); readers get the file's order, as libsndfile gives it.
 */
static int file_channel(int channels, int plane)
{
    static const uint8_t from_plane[8][8] = {
        {0}, {0, 1}, {0, 2, 1}, {0, 1, 2, 3}, {0, 2, 1, 3, 4}, {0, 2, 1, 5, 3, 4}, {0, 2, 1, 6, 5, 3, 4}, {0, 2, 1, 7, 5, 6, 3, 4},
    };
    return channels <= 8 ? from_plane[channels - 1][plane] : plane;
}

/*
 * Reads up to `frames` frames: channel c goes to dest + c * stride. Returns the frames read, 0 at the end, or -1 on
 * an error (auralis_decode_error says which).
 */
EXPORT int auralis_decode_read(auralis_decoder *d, float *dest, int stride, int frames)
{
    int done = 0;
    while (done < frames) {
        if (!d->placed || d->queued == 0) {
            int r = decode_more(d);
            if (r < 0) {
                return -1;
            }
            if (r == 0 && d->queued == 0) {
                break;
            }
            continue;
        }
        queued_frame *q = &d->queue[0];
        int64_t at = q->granule + q->start;
        int left = q->frame->nb_samples - q->start;
        if (at < d->skip_before) {
            int64_t drop = d->skip_before - at;
            q->start += drop < left ? (int)drop : left;
        } else if (at >= d->end_granule) {
            q->start = q->frame->nb_samples;
        } else {
            int n = left < frames - done ? left : frames - done;
            if (at + n > d->end_granule) {
                n = (int)(d->end_granule - at);
            }
            for (int c = 0; c < d->channels; c++) {
                memcpy(dest + (size_t)file_channel(d->channels, c) * (size_t)stride + done,
                       (const float *)q->frame->extended_data[c] + q->start, (size_t)n * sizeof(float));
            }
            done += n;
            q->start += n;
        }
        if (q->start == q->frame->nb_samples) {
            av_frame_free(&q->frame);
            memmove(d->queue, d->queue + 1, (size_t)(--d->queued) * sizeof *d->queue);
        }
    }
    return done;
}

static int build_index(auralis_decoder *d)
{
    if (d->index) {
        return 0;
    }
    int capacity = 256;
    d->index = malloc((size_t)capacity * sizeof *d->index);
    if (!d->index || fseeko(d->file, d->first_audio_page, SEEK_SET) != 0) {
        return fail(d, "cannot index the file's pages", 0);
    }
    page p;
    while (read_page(d, &p, NULL) == 1) {
        if (p.serial != d->serial) {
            continue;
        }
        if (d->index_count == capacity) {
            capacity *= 2;
            page_entry *grown = realloc(d->index, (size_t)capacity * sizeof *grown);
            if (!grown) {
                return fail(d, "out of memory", 0);
            }
            d->index = grown;
        }
        int ended = 0;
        for (int s = 0; s < p.segments; s++) {
            ended += p.lacing[s] < 255;
        }
        d->index[d->index_count++] = (page_entry){p.offset, p.granule, p.flags, ended};
        if (p.flags & LAST_PAGE) {
            break;
        }
    }
    return 0;
}

/*
 * Moves so that the next read returns frame `target`: the very samples a read from the start returns there. Decoding
 * restarts at the last page that begins with a fresh packet and ends at or before the target: the decoder's first
 * packet there only primes it (Vorbis windows overlap), and that page's granule position places everything decoded
 * after it. Returns 0, or -1 (auralis_decode_error says why).
 */
EXPORT int auralis_decode_seek(auralis_decoder *d, int64_t target)
{
    if (target < 0 || build_index(d) < 0) {
        return target < 0 ? fail(d, "cannot seek before the start", 0) : -1;
    }
    int64_t goal = d->base + target;
    int64_t offset = d->first_audio_page;
    for (int i = d->index_count - 2; i > 0; i--) { /* not the last page: its granule ends the stream, it places nothing */
        const page_entry *e = &d->index[i];
        if (!(e->flags & CONTINUED) && e->packets_ended > 0 && e->granule >= 0 && e->granule <= goal) {
            offset = e->offset;
            break;
        }
    }
    return restart(d, offset, goal);
}
