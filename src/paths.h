/*
 * paths.h - where bmctop keeps configuration and state (XDG base dirs).
 */
#ifndef BMCTOP_PATHS_H
#define BMCTOP_PATHS_H

/* $XDG_CONFIG_HOME/bmctop (default ~/.config/bmctop); caller frees. */
char *paths_config_dir(void);
/* $XDG_STATE_HOME/bmctop (default ~/.local/state/bmctop); caller frees. */
char *paths_state_dir(void);
/* The default fleet file: $BMCTOP_FLEET, else config_dir/fleet.conf. */
char *paths_default_fleet(void);
/*
 * mkdir -p with mode for every component created; 0 or -errno.  A path
 * made once is remembered and not made again (loop thread only): a
 * directory removed while bmctop runs is made again after a write into it
 * fails (state-file.c forgets them).
 */
int paths_mkdir_p(const char *path, unsigned mode);
/* Forget the directories paths_mkdir_p remembers. */
void paths_forget_dirs(void);
/* The state directory, created 0700 if missing, joined with name. */
char *paths_state_file(const char *name);

#endif
