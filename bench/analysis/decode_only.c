/* Decoding alone through libsndfile, the library Auralis reads files with: every frame as float in 4096-frame blocks,
 * nothing else. bench/analysis/loudness_pairs.sh times it beside the loudness runs, to show how much of a run is
 * decoding. Declares the four functions it needs rather than including sndfile.h (no -dev package needed). */
#include <stdio.h>
#include <stdlib.h>

typedef long long sf_count_t;
typedef struct { sf_count_t frames; int samplerate, channels, format, sections, seekable; } SF_INFO;
typedef struct SNDFILE_tag SNDFILE;
SNDFILE *sf_open(const char *path, int mode, SF_INFO *info);
sf_count_t sf_readf_float(SNDFILE *file, float *frames, sf_count_t count);
int sf_close(SNDFILE *file);
const char *sf_strerror(SNDFILE *file);
#define SFM_READ 0x10

int main(int argc, char **argv)
{
    SF_INFO info = {0};
    SNDFILE *file = argc == 2 ? sf_open(argv[1], SFM_READ, &info) : NULL;
    if (!file) {
        fprintf(stderr, "decode_only: %s\n", argc == 2 ? sf_strerror(NULL) : "usage: decode_only FILE");
        return 1;
    }
    float *block = malloc(sizeof(float) * 4096 * info.channels);
    sf_count_t n, total = 0;
    double sum = 0; /* used, so the reads cannot be skipped */
    while ((n = sf_readf_float(file, block, 4096)) > 0) {
        total += n;
        sum += block[0];
    }
    printf("%lld frames (%g)\n", total, sum);
    sf_close(file);
    free(block);
    return 0;
}
