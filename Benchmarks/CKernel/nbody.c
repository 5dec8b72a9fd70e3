// The baseline for `make bench-sim`: a plain C all-pairs softened n-body
// kernel (structure of arrays, kick-drift-kick leapfrog), built with
// -O3 -march=native -ffast-math. Counts N² interactions per step, as
// logbook does.
//
// Usage: nbody N STEPS THREADS   →   prints "interactions/s <number>"
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int n;
static double *x, *y, *z, *vx, *vy, *vz, *ax, *ay, *az, *m;
static const double eps2 = 0.01 * 0.01, dt = 1e-3;

struct range { int begin, end; };

static void *accelerate(void *arg) {
    struct range *r = arg;
    for (int i = r->begin; i < r->end; i++) {
        double sx = 0, sy = 0, sz = 0;
        for (int j = 0; j < n; j++) {
            double dx = x[j] - x[i], dy = y[j] - y[i], dz = z[j] - z[i];
            double r2 = dx * dx + dy * dy + dz * dz + eps2;
            double inv = 1.0 / sqrt(r2);
            double s = m[j] * inv * inv * inv;
            sx += dx * s; sy += dy * s; sz += dz * s;
        }
        ax[i] = sx; ay[i] = sy; az[i] = sz;
    }
    return NULL;
}

static void forces(int threads) {
    pthread_t ids[64];
    struct range ranges[64];
    for (int t = 0; t < threads; t++) {
        ranges[t].begin = (int)((long)n * t / threads);
        ranges[t].end = (int)((long)n * (t + 1) / threads);
        pthread_create(&ids[t], NULL, accelerate, &ranges[t]);
    }
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
}

int main(int argc, char **argv) {
    if (argc != 4) { fprintf(stderr, "usage: nbody N STEPS THREADS\n"); return 2; }
    n = atoi(argv[1]);
    int steps = atoi(argv[2]), threads = atoi(argv[3]);
    double **arrays[] = {&x, &y, &z, &vx, &vy, &vz, &ax, &ay, &az, &m};
    for (int a = 0; a < 10; a++) *arrays[a] = calloc(n, sizeof(double));
    unsigned long long state = 1;
    for (int i = 0; i < n; i++) {
        state = state * 6364136223846793005ULL + 1442695040888963407ULL; x[i] = (double)(state >> 11) / 9007199254740992.0;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL; y[i] = (double)(state >> 11) / 9007199254740992.0;
        state = state * 6364136223846793005ULL + 1442695040888963407ULL; z[i] = (double)(state >> 11) / 9007199254740992.0;
        m[i] = 1.0 / n;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    forces(threads);
    for (int s = 0; s < steps; s++) {
        for (int i = 0; i < n; i++) {
            vx[i] += ax[i] * dt / 2; vy[i] += ay[i] * dt / 2; vz[i] += az[i] * dt / 2;
            x[i] += vx[i] * dt; y[i] += vy[i] * dt; z[i] += vz[i] * dt;
        }
        forces(threads);
        for (int i = 0; i < n; i++) { vx[i] += ax[i] * dt / 2; vy[i] += ay[i] * dt / 2; vz[i] += az[i] * dt / 2; }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
    printf("interactions/s %.6e\n", (double)(steps + 1) * n * n / seconds);
    fprintf(stderr, "checksum %.17g\n", x[0] + y[n / 2] + z[n - 1]);
    return 0;
}
