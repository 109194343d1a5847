/*
 * tui/screen.h - a host's graphical console as a picture in the dashboard:
 * the shots (one read-only RFB client each, vnc/rfbclient.h) that the
 * Screen tab (tui/screen.c) and the wall (tui/wall.c) keep while shown,
 * and the placing of their pictures on the terminal after curses has
 * drawn the frame.
 */
#ifndef BMCTOP_TUI_SCREEN_H
#define BMCTOP_TUI_SCREEN_H

#include <stddef.h>
#include <stdint.h>

#include "tui/internal.h"
#include "tui/pixels.h"

struct tui_shot;

/* Start watching h's screen, a picture every refresh_ms.  Never NULL: a
 * console that cannot start says why in tui_shot_text().  lean: keep only
 * a small copy between refreshes, each a whole picture (vnc_screen_set_lean):
 * the wall's many tiles. */
struct tui_shot *tui_shot_start(struct tui *t, struct bmc_host *h, unsigned refresh_ms, int lean);
/* Stop it; sh is gone after this (its client ends on the loop). */
void tui_shot_stop(struct tui_shot *sh);
size_t tui_shot_host(const struct tui_shot *sh);
/* 1 once a picture is there. */
int tui_shot_has_picture(const struct tui_shot *sh);
/* What to say about it: "connecting", the error, or "1280x1024 ZRLE 2s ago". */
const char *tui_shot_text(const struct tui_shot *sh, char *buf, size_t len);
/* The client ended (an error, or the BMC closed): 1. */
int tui_shot_ended(const struct tui_shot *sh);
/* It never started because h was parked, and h is not any more: 1. */
int tui_shot_stale(const struct tui_shot *sh, const struct bmc_host *h);

/* The method chosen (screen-graphics, or detected), and its description
 * for a title line ("half-blocks, 24-bit, auto"). */
enum pix_method tui_screen_method(struct tui *t);
const char *tui_screen_method_text(struct tui *t);

/* While drawing a frame: sh's picture goes in rows x cols cells at y, x,
 * scaled keeping its aspect, top left; returns the rows it takes. */
int tui_shot_place(struct tui *t, struct tui_shot *sh, int y, int x, int rows, int cols);

#endif
