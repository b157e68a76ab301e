/*
 * vtlbench: streaming tape throughput over iSCSI with libiscsi. Loads the cartridge in the first full
 * storage slot into the first drive, writes SIZE MiB as 256 KiB variable blocks (WRITE(6)), a filemark,
 * rewinds, reads everything back and checks it, then unloads and puts the cartridge back.
 * Prints "write_MBps=... read_MBps=...". One command in flight, as a backup application streams a tape.
 *
 * usage: vtlbench PORTAL IQN CHANGER_LUN DRIVE_LUN SIZE_MIB
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

#define BLOCK (256 * 1024)

static struct iscsi_context *ctx;

static int cmd(int lun, unsigned char *cdb, int len, int dir, unsigned char *buf, long xfer) {
    struct scsi_task *t = scsi_create_task(len, cdb, dir, xfer);
    struct iscsi_data d = {xfer, buf};
    struct scsi_iovec iov = {buf, xfer};
    if (dir == SCSI_XFER_READ) scsi_task_set_iov_in(t, &iov, 1);
    if (iscsi_scsi_command_sync(ctx, lun, t, dir == SCSI_XFER_WRITE ? &d : NULL) == NULL) {
        fprintf(stderr, "transport failure: %s\n", iscsi_get_error(ctx));
        exit(2);
    }
    int status = t->status;
    scsi_free_scsi_task(t);
    return status;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void fill(unsigned char *b, long n, uint64_t seed) {
    uint64_t x = seed * 0x9E3779B97F4A7C15ull + 1;
    for (long i = 0; i < n; i += 8) {
        x ^= x << 13; x ^= x >> 7; x ^= x << 17;
        memcpy(b + i, &x, 8);
    }
}

static int first(int changer, int type, int full) {
    static unsigned char b[65536];
    unsigned char cdb[12] = {0xb8, type, 0, 0, 0x01, 0xff, 0, 0, 0x01, 0, 0, 0};
    if (cmd(changer, cdb, 12, SCSI_XFER_READ, b, 65536) != 0) return -1;
    int dlen = (b[10] << 8) | b[11];
    long bytes = (b[13] << 16) | (b[14] << 8) | b[15];
    for (long p = 16; dlen > 0 && p + dlen <= 16 + bytes; p += dlen) {
        if ((b[p + 2] & 1) == full) return (b[p] << 8) | b[p + 1];
    }
    return -1;
}

static int move(int changer, int from, int to) {
    unsigned char cdb[12] = {0xa5, 0, 0, 0, from >> 8, from, to >> 8, to, 0, 0, 0, 0};
    return cmd(changer, cdb, 12, SCSI_XFER_NONE, NULL, 0);
}

int main(int argc, char **argv) {
    if (argc < 6) {
        fprintf(stderr, "usage: vtlbench PORTAL IQN CHANGER_LUN DRIVE_LUN SIZE_MIB\n");
        return 2;
    }
    int changer = atoi(argv[3]), drive = atoi(argv[4]);
    long blocks = atol(argv[5]) * 4;
    ctx = iscsi_create_context("iqn.2026-11.dev.cistern:vtlbench");
    iscsi_set_targetname(ctx, argv[2]);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    if (iscsi_full_connect_sync(ctx, argv[1], changer) != 0) {
        fprintf(stderr, "login failed: %s\n", iscsi_get_error(ctx));
        return 2;
    }
    int slot = first(changer, 2, 1), dte = first(changer, 4, 0);
    if (slot < 0 || dte < 0 || move(changer, slot, dte) != 0) {
        fprintf(stderr, "cannot load a cartridge (slot %d, drive %d)\n", slot, dte);
        return 2;
    }
    unsigned char tur[6] = {0};
    for (int i = 0; i < 5 && cmd(drive, tur, 6, SCSI_XFER_NONE, NULL, 0) != 0; i++) {
    }
    unsigned char rew[6] = {0x01, 0, 0, 0, 0, 0};
    cmd(drive, rew, 6, SCSI_XFER_NONE, NULL, 0);
    unsigned char p[12] = {0, 0, 0x10, 8, 0, 0, 0, 0, 0, 0, 0, 0};
    unsigned char ms[6] = {0x15, 0x10, 0, 0, 12, 0};
    cmd(drive, ms, 6, SCSI_XFER_WRITE, p, 12);
    unsigned char *buf = malloc(BLOCK), *want = malloc(BLOCK);
    unsigned char w6[6] = {0x0a, 0, (BLOCK >> 16) & 0xff, (BLOCK >> 8) & 0xff, BLOCK & 0xff, 0};
    double t0 = now();
    for (long i = 0; i < blocks; i++) {
        fill(buf, BLOCK, i);
        if (cmd(drive, w6, 6, SCSI_XFER_WRITE, buf, BLOCK) != 0) {
            fprintf(stderr, "write %ld failed\n", i);
            return 1;
        }
    }
    unsigned char wfm[6] = {0x10, 0, 0, 0, 1, 0};
    cmd(drive, wfm, 6, SCSI_XFER_NONE, NULL, 0);
    double tw = now() - t0;
    cmd(drive, rew, 6, SCSI_XFER_NONE, NULL, 0);
    unsigned char r6[6] = {0x08, 0, (BLOCK >> 16) & 0xff, (BLOCK >> 8) & 0xff, BLOCK & 0xff, 0};
    long bad = 0;
    t0 = now();
    for (long i = 0; i < blocks; i++) {
        if (cmd(drive, r6, 6, SCSI_XFER_READ, buf, BLOCK) != 0) bad++;
        fill(want, 64, i);
        if (memcmp(buf, want, 64) != 0) bad++;
    }
    double tr = now() - t0;
    unsigned char unload[6] = {0x1b, 0, 0, 0, 0, 0};
    cmd(drive, unload, 6, SCSI_XFER_NONE, NULL, 0);
    move(changer, dte, slot);
    iscsi_logout_sync(ctx);
    iscsi_destroy_context(ctx);
    double mb = blocks * (double) BLOCK / 1e6;
    printf("bytes=%.0f write_MBps=%.1f read_MBps=%.1f errors=%ld\n", mb * 1e6, mb / tw, mb / tr, bad);
    return bad == 0 ? 0 : 1;
}
