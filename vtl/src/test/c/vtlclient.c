/*
 * vtlclient: drives a virtual tape library over iSCSI the way backup software does, with libiscsi,
 * and prints one normalized line per command (status, sense key, ASC/ASCQ, FILEMARK/EOM/ILI bits,
 * INFORMATION, residual, bytes moved, CRC of the data) so that two targets (Cistern and tgt) can be
 * compared line by line. Element addresses are printed as type+index, never raw, since each library
 * numbers its elements its own way.
 *
 * usage: vtlclient PORTAL IQN CHANGER_LUN DRIVE_LUN
 * exit status: 0 when every data comparison held, 1 otherwise, 2 on a transport failure.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <iscsi/iscsi.h>
#include <iscsi/scsi-lowlevel.h>

static struct iscsi_context *ctx;
static int changer_lun, drive_lun;
static int failures;

struct result {
    int status, key, asc, ascq, bits, info_valid;
    long long info;
    long moved;
    unsigned char *data;
};

static uint32_t crc32(const unsigned char *p, long n) {
    uint32_t c = 0xffffffffu;
    for (long i = 0; i < n; i++) {
        c ^= p[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xedb88320u & (0u - (c & 1)));
    }
    return ~c;
}

static void parse_sense(struct result *r, const unsigned char *s, int len) {
    if (len < 8) return;
    int code = s[0] & 0x7f;
    if (code == 0x70 || code == 0x71) {
        r->key = s[2] & 0x0f;
        r->bits = s[2] & 0xe0;
        r->asc = len > 12 ? s[12] : 0;
        r->ascq = len > 13 ? s[13] : 0;
        if (s[0] & 0x80) {
            r->info_valid = 1;
            r->info = (int32_t) (((uint32_t) s[3] << 24) | (s[4] << 16) | (s[5] << 8) | s[6]);
        }
    } else if (code == 0x72 || code == 0x73) {
        r->key = s[1] & 0x0f;
        r->asc = s[2];
        r->ascq = s[3];
        int at = 8, end = 8 + s[7];
        while (at + 2 <= end && at + 2 <= len) {
            int type = s[at], dl = s[at + 1];
            if (type == 0 && dl >= 10) {
                r->info_valid = 1;
                r->info = 0;
                for (int i = 0; i < 8; i++) r->info = (r->info << 8) | s[at + 4 + i];
            } else if (type == 4 && dl >= 2) {
                r->bits = s[at + 3] & 0xe0;
            }
            at += 2 + dl;
        }
    }
}

/* Runs one CDB; prints "name: status ..." and returns the result (data owned by the caller). */
static struct result run(const char *name, int lun, unsigned char *cdb, int cdblen, int dir, unsigned char *out,
                         long xfer) {
    struct result r;
    memset(&r, 0, sizeof r);
    struct scsi_task *t = scsi_create_task(cdblen, cdb, dir, xfer);
    struct iscsi_data d = {0, NULL};
    struct scsi_iovec iov;
    unsigned char *in = NULL;
    if (dir == SCSI_XFER_WRITE) {
        d.data = out;
        d.size = xfer;
    } else if (dir == SCSI_XFER_READ) {
        in = calloc(1, xfer ? xfer : 1);
        iov.iov_base = in;
        iov.iov_len = xfer;
        scsi_task_set_iov_in(t, &iov, 1);
    }
    if (iscsi_scsi_command_sync(ctx, lun, t, dir == SCSI_XFER_WRITE ? &d : NULL) == NULL) {
        fprintf(stderr, "%s: transport failure: %s\n", name, iscsi_get_error(ctx));
        exit(2);
    }
    r.status = t->status;
    long residual = (long) t->residual;
    if (t->residual_status == SCSI_RESIDUAL_UNDERFLOW) r.moved = xfer - residual;
    else r.moved = xfer;
    if (dir == SCSI_XFER_NONE) r.moved = 0;
    if (t->status == SCSI_STATUS_CHECK_CONDITION && t->datain.size > 2) {
        parse_sense(&r, t->datain.data + 2, t->datain.size - 2);
    }
    printf("%-28s status=0x%02x", name, r.status);
    if (r.status == SCSI_STATUS_CHECK_CONDITION) {
        printf(" key=0x%x asc=0x%02x ascq=0x%02x%s%s%s", r.key, r.asc, r.ascq, r.bits & 0x80 ? " FM" : "",
               r.bits & 0x40 ? " EOM" : "", r.bits & 0x20 ? " ILI" : "");
        if (r.info_valid) printf(" info=%lld", r.info);
    }
    if (dir != SCSI_XFER_NONE) printf(" moved=%ld", r.moved);
    if (dir == SCSI_XFER_READ && r.moved > 0 && r.status != SCSI_STATUS_CHECK_CONDITION) {
        /* data of commands other than READ is printed by the callers that normalize it */
    }
    printf("\n");
    r.data = in;
    scsi_free_scsi_task(t);
    return r;
}

static void pattern(unsigned char *b, long n, unsigned seed) {
    uint32_t x = seed * 2654435761u + 1;
    for (long i = 0; i < n; i++) {
        x ^= x << 13; x ^= x >> 17; x ^= x << 5;
        b[i] = (unsigned char) x;
    }
}

static void expect_data(const char *what, struct result *r, long n, unsigned seed) {
    unsigned char *want = malloc(n ? n : 1);
    pattern(want, n, seed);
    int ok = r->moved == n && (n == 0 || memcmp(r->data, want, n) == 0);
    printf("  data %s: %s crc=%08x\n", what, ok ? "ok" : "MISMATCH", r->moved > 0 ? crc32(r->data, r->moved) : 0);
    if (!ok) failures++;
    free(want);
}

/* ---- changer helpers ---- */
struct elem { int type, addr, full; char tag[33]; };
static struct elem elems[512];
static int nelems;

/* One READ ELEMENT STATUS per element type (as mtx and most backup software can do), VOLTAG set. */
static void element_status_type(const char *name, int type) {
    unsigned char cdb[12] = {0xb8, 0x10 | type, 0, 0, 0x01, 0xff, 0, 0, 0x40, 0, 0, 0};
    struct result r = run(name, changer_lun, cdb, 12, SCSI_XFER_READ, NULL, 0x4000);
    if (r.status == 0 && r.moved >= 16) {
        unsigned char *b = r.data;
        if (getenv("VTLCLIENT_HEXDUMP")) {
            for (long i = 0; i < r.moved && i < 256; i++) fprintf(stderr, "%02x%s", b[i], i % 16 == 15 ? "\n" : " ");
            fprintf(stderr, "\n");
        }
        /* one page: its own byte count bounds the descriptors */
        int dlen = (b[10] << 8) | b[11], pvol = b[9] & 0x80;
        long bytes = (b[13] << 16) | (b[14] << 8) | b[15];
        long end = 16 + bytes < r.moved ? 16 + bytes : r.moved;
        int k = 0;
        printf("  page type=%d descriptor-length=%d pvoltag=%d\n", b[8], dlen, pvol ? 1 : 0);
        for (long p = 16; dlen > 0 && p + dlen <= end && nelems < 512; p += dlen, k++) {
            struct elem *e = &elems[nelems++];
            e->type = b[8];
            e->addr = (b[p] << 8) | b[p + 1];
            e->full = b[p + 2] & 1;
            e->tag[0] = 0;
            if (pvol && e->full) {
                memcpy(e->tag, b + p + 12, 32);
                e->tag[32] = 0;
                for (int i = 31; i >= 0 && (e->tag[i] == ' ' || e->tag[i] == 0); i--) e->tag[i] = 0;
            }
            if (e->type == 2 && k >= 4 && !e->full) continue; /* list only the first empty slots */
            printf("  element type=%d index=%d full=%d tag=%s\n", e->type, k, e->full, e->full ? e->tag : "-");
        }
    }
    free(r.data);
}

static void element_status(const char *name) {
    char n[64];
    nelems = 0;
    for (int t = 1; t <= 4; t++) {
        snprintf(n, sizeof n, "%s-%d", name, t);
        element_status_type(n, t);
    }
}

static int find(int type, int full, int nth) {
    for (int i = 0; i < nelems; i++) {
        if (elems[i].type == type && (full < 0 || elems[i].full == full) && nth-- == 0) return elems[i].addr;
    }
    return -1;
}

static int find_tag(const char *tag) {
    for (int i = 0; i < nelems; i++) if (elems[i].full && strcmp(elems[i].tag, tag) == 0) return elems[i].addr;
    return -1;
}

static void move(const char *name, int from, int to) {
    unsigned char cdb[12] = {0xa5, 0, 0, 0, from >> 8, from, to >> 8, to, 0, 0, 0, 0};
    free(run(name, changer_lun, cdb, 12, SCSI_XFER_NONE, NULL, 0).data);
}

/* ---- drive helpers ---- */
static struct result dcmd(const char *name, unsigned char *cdb, int len) {
    return run(name, drive_lun, cdb, len, SCSI_XFER_NONE, NULL, 0);
}

static void write_blocks(const char *name, int fixed, long len, long bytes, unsigned seed) {
    unsigned char *b = malloc(bytes);
    pattern(b, bytes, seed);
    unsigned char cdb[6] = {0x0a, fixed, len >> 16, len >> 8, len, 0};
    free(run(name, drive_lun, cdb, 6, SCSI_XFER_WRITE, b, bytes).data);
    free(b);
}

static struct result read_blocks(const char *name, int fixed, int sili, long len, long bytes) {
    unsigned char cdb[6] = {0x08, fixed | (sili ? 2 : 0), len >> 16, len >> 8, len, 0};
    return run(name, drive_lun, cdb, 6, SCSI_XFER_READ, NULL, bytes);
}

static void filemark(const char *name) {
    unsigned char cdb[6] = {0x10, 0, 0, 0, 1, 0};
    free(dcmd(name, cdb, 6).data);
}

static void set_block_size(const char *name, int bs) {
    unsigned char p[12] = {0, 0, 0x10, 8, 0, 0, 0, 0, 0, bs >> 16, bs >> 8, bs};
    unsigned char cdb[6] = {0x15, 0x10, 0, 0, 12, 0};
    free(run(name, drive_lun, cdb, 6, SCSI_XFER_WRITE, p, 12).data);
}

static void space(const char *name, int code, int count) {
    unsigned char cdb[6] = {0x11, code, count >> 16, count >> 8, count, 0};
    free(dcmd(name, cdb, 6).data);
}

static void position(const char *name) {
    unsigned char cdb[10] = {0x34, 0, 0, 0, 0, 0, 0, 0, 0, 0};
    struct result r = run(name, drive_lun, cdb, 10, SCSI_XFER_READ, NULL, 20);
    if (r.status == 0 && r.moved >= 12) {
        unsigned char *b = r.data;
        printf("  position bop=%d eop=%d block=%u\n", b[0] >> 7, (b[0] >> 6) & 1,
               (unsigned) ((b[4] << 24) | (b[5] << 16) | (b[6] << 8) | b[7]));
    }
    free(r.data);
}

static void position_long(const char *name) {
    unsigned char cdb[10] = {0x34, 6, 0, 0, 0, 0, 0, 0, 0, 0};
    struct result r = run(name, drive_lun, cdb, 10, SCSI_XFER_READ, NULL, 32);
    if (r.status == 0 && r.moved >= 24) {
        unsigned long long obj = 0, file = 0;
        for (int i = 0; i < 8; i++) {
            obj = (obj << 8) | r.data[8 + i];
            file = (file << 8) | r.data[16 + i];
        }
        printf("  position object=%llu file=%llu\n", obj, file);
    }
    free(r.data);
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: vtlclient PORTAL IQN CHANGER_LUN DRIVE_LUN\n");
        return 2;
    }
    changer_lun = atoi(argv[3]);
    drive_lun = atoi(argv[4]);
    ctx = iscsi_create_context("iqn.2026-11.dev.cistern:vtlclient");
    iscsi_set_targetname(ctx, argv[2]);
    iscsi_set_session_type(ctx, ISCSI_SESSION_NORMAL);
    iscsi_set_header_digest(ctx, ISCSI_HEADER_DIGEST_NONE);
    if (iscsi_full_connect_sync(ctx, argv[1], changer_lun) != 0) {
        fprintf(stderr, "login failed: %s\n", iscsi_get_error(ctx));
        return 2;
    }
    unsigned char tur[6] = {0};
    /* 1. the changer: inventory */
    free(run("changer.tur", changer_lun, tur, 6, SCSI_XFER_NONE, NULL, 0).data);
    unsigned char inq[6] = {0x12, 0, 0, 0, 36, 0};
    struct result r = run("changer.inquiry", changer_lun, inq, 6, SCSI_XFER_READ, NULL, 36);
    if (r.status == 0) printf("  device type=%d\n", r.data[0] & 0x1f);
    free(r.data);
    unsigned char init[6] = {0x07, 0, 0, 0, 0, 0};
    free(run("changer.init-element-status", changer_lun, init, 6, SCSI_XFER_NONE, NULL, 0).data);
    unsigned char ms[6] = {0x1a, 0x08, 0x1d, 0, 0xff, 0};
    r = run("changer.mode-sense-1d", changer_lun, ms, 6, SCSI_XFER_READ, NULL, 255);
    if (r.status == 0 && r.moved >= 24) {
        unsigned char *p = r.data + 4 + r.data[3];
        printf("  counts transport=%d slots=%d mail=%d drives=%d\n", (p[4] << 8) | p[5], (p[8] << 8) | p[9],
               (p[12] << 8) | p[13], (p[16] << 8) | p[17]);
    }
    free(r.data);
    element_status("changer.element-status");
    int slot = find_tag("CST001L5"), drive = find(4, -1, 0), mail = find(3, 0, 0);
    if (slot < 0 || drive < 0) {
        fprintf(stderr, "library has no cartridge CST001L5 or no drive\n");
        return 2;
    }
    /* 2. hostile moves first: nothing may change */
    move("changer.move-empty-source", find(2, 0, 0), find(2, 0, 1));
    move("changer.move-to-full", slot, find_tag("CST002L5"));
    move("changer.move-bad-address", slot, 0x7777);
    unsigned char rd[6] = {0x08, 0, 0, 0x10, 0, 0};
    free(run("drive.read-no-medium", drive_lun, rd, 6, SCSI_XFER_READ, NULL, 4096).data);
    /* 3. load the cartridge */
    move("changer.move-slot-to-drive", slot, drive);
    for (int i = 0; i < 3; i++) { /* a drive may report UNIT ATTENTION after a medium change */
        r = dcmd("drive.tur", tur, 6);
        free(r.data);
        if (r.status == 0 || r.key != 6) break;
    }
    r = run("drive.inquiry", drive_lun, inq, 6, SCSI_XFER_READ, NULL, 36);
    if (r.status == 0) printf("  device type=%d removable=%d\n", r.data[0] & 0x1f, r.data[1] >> 7);
    free(r.data);
    unsigned char rbl[6] = {0x05, 0, 0, 0, 0, 0};
    r = run("drive.read-block-limits", drive_lun, rbl, 6, SCSI_XFER_READ, NULL, 6);
    free(r.data);
    unsigned char rew[6] = {0x01, 0, 0, 0, 0, 0};
    free(dcmd("drive.rewind", rew, 6).data);
    /* 4. three backup files: variable, fixed, variable; each closed by a filemark */
    set_block_size("drive.mode-select-variable", 0);
    for (int i = 0; i < 5; i++) write_blocks("file1.write-var-32k", 0, 32768, 32768, 100 + i);
    write_blocks("file1.write-var-1000", 0, 1000, 1000, 105);
    filemark("file1.write-filemark");
    set_block_size("drive.mode-select-fixed-512", 512);
    for (int i = 0; i < 4; i++) write_blocks("file2.write-fixed-16x512", 1, 16, 16 * 512, 200 + i);
    filemark("file2.write-filemark");
    set_block_size("drive.mode-select-variable", 0);
    for (int i = 0; i < 3; i++) write_blocks("file3.write-var-64k", 0, 65536, 65536, 300 + i);
    filemark("file3.write-filemark");
    position("drive.read-position-after-write");
    /* 5. rewind, space forward by filemarks, read file 2 in fixed mode */
    free(dcmd("drive.rewind", rew, 6).data);
    position("drive.read-position-bop");
    space("drive.space-filemarks-1", 1, 1);
    position("drive.read-position-file2");
    set_block_size("drive.mode-select-fixed-512", 512);
    for (int i = 0; i < 4; i++) {
        r = read_blocks("file2.read-fixed-16x512", 1, 0, 16, 16 * 512);
        expect_data("file2", &r, 16 * 512, 200 + i);
        free(r.data);
    }
    r = read_blocks("file2.read-fixed-at-filemark", 1, 0, 16, 16 * 512);
    free(r.data);
    position("drive.read-position-file3");
    /* 6. file 1, variable mode: exact, SILI, short buffer (ILI), filemark */
    set_block_size("drive.mode-select-variable", 0);
    free(dcmd("drive.rewind", rew, 6).data);
    r = read_blocks("file1.read-var-exact", 0, 0, 32768, 32768);
    expect_data("file1 block0", &r, 32768, 100);
    free(r.data);
    r = read_blocks("file1.read-var-sili-64k", 0, 1, 65536, 65536);
    expect_data("file1 block1", &r, 32768, 101);
    free(r.data);
    r = read_blocks("file1.read-var-long-no-sili", 0, 0, 65536, 65536);
    printf("  data file1 block2 prefix: %s\n", r.moved >= 32768 ? "moved" : "short");
    free(r.data);
    r = read_blocks("file1.read-var-short-buffer", 0, 0, 1000, 1000);
    free(r.data);
    space("drive.space-blocks-1", 0, 1);
    r = read_blocks("file1.read-var-last", 0, 1, 65536, 65536);
    expect_data("file1 block5", &r, 1000, 105);
    free(r.data);
    r = read_blocks("file1.read-at-filemark", 0, 1, 65536, 65536);
    free(r.data);
    position_long("drive.read-position-long");
    /* 7. locate to file 3, read it, then end of data */
    unsigned char loc[10] = {0x2b, 0, 0, 0, 0, 0, 72, 0, 0, 0};
    free(dcmd("drive.locate10-file3", loc, 10).data);
    position("drive.read-position-located");
    for (int i = 0; i < 3; i++) {
        r = read_blocks("file3.read-var-64k", 0, 0, 65536, 65536);
        expect_data("file3", &r, 65536, 300 + i);
        free(r.data);
    }
    r = read_blocks("file3.read-at-filemark", 0, 0, 65536, 65536);
    free(r.data);
    r = read_blocks("drive.read-past-eod", 0, 0, 65536, 65536);
    free(r.data);
    space("drive.space-eod", 3, 0);
    position("drive.read-position-eod");
    space("drive.space-blocks-back-2", 0, -2);
    position("drive.read-position-back");
    space("drive.space-filemarks-back-2", 1, -2);
    position("drive.read-position-back2");
    unsigned char loc16[16] = {0x92, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0};
    free(dcmd("drive.locate16-object7", loc16, 16).data);
    position("drive.read-position-locate16");
    unsigned char bad[10] = {0x2b, 0, 0, 0, 0, 0x10, 0, 0, 0, 0};
    free(dcmd("drive.locate10-past-eod", bad, 10).data);
    /* 8. unload, move back, export to the mail slot */
    unsigned char unload[6] = {0x1b, 0, 0, 0, 0, 0};
    free(dcmd("drive.unload", unload, 6).data);
    free(dcmd("drive.tur-after-unload", tur, 6).data);
    move("changer.move-drive-to-slot", drive, slot);
    if (mail >= 0) move("changer.move-slot-to-mailslot", slot, mail);
    element_status("changer.element-status-end");
    if (mail >= 0) move("changer.move-mailslot-to-slot", mail, slot);
    iscsi_logout_sync(ctx);
    iscsi_destroy_context(ctx);
    printf("failures=%d\n", failures);
    return failures == 0 ? 0 : 1;
}
