/*
 * core/paths.h - where bmctop keeps configuration and state (XDG base dirs), and
 * the rules that keep those directories the user's alone.
 */
#ifndef BMCTOP_PATHS_H
#define BMCTOP_PATHS_H

#include <sys/stat.h>

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
 * fails (core/state-file.c forgets them).
 */
int paths_mkdir_p(const char *path, unsigned mode);
/* Forget the directories paths_mkdir_p remembers. */
void paths_forget_dirs(void);
/* The state directory, created 0700 if missing, joined with name. */
char *paths_state_file(const char *name);

/*
 * Refuse a directory other local users could plant links in: it must be
 * owned by the user or root and not writable by group or others (a link
 * to it must be the user's or root's too).  A missing one passes.  0, or a
 * negative errno with *err a malloc'd message naming dir and the fix
 * (chmod 700 DIR); var is the variable that moves it, for that message.
 */
int paths_check_private_dir(const char *dir, const char *var, char **err);
/*
 * Before a front end uses them: make the state directory (0700) and check
 * it, and the config directory too when fleet_path lies inside it.  0, or
 * a negative errno with *err set, as paths_check_private_dir.
 */
int paths_check_dirs(const char *fleet_path, char **err);
/*
 * open(2) path with flags | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY, never through
 * a symbolic link at path (-ELOOP), and only when it is a regular file
 * (-EINVAL; a FIFO does not hang the open).  The fd in blocking mode, with
 * its stat in *st; or a negative errno.
 */
int paths_open_regular(const char *path, int flags, mode_t mode, struct stat *st);
/* Words for paths_open_regular's (and its users') negative errno. */
const char *paths_strerror(int err);
/*
 * Whether someone besides st's owner may write to it: the world, or a group
 * with any member but the owner (OpenSSH's rule: a user-private group, or
 * root's group holding root alone, is fine; a group of none is not).
 */
int paths_others_may_write(const struct stat *st);
/*
 * Open path to append, creating it 0600 (an older file is made 0600),
 * never through a symbolic link at path (-ELOOP) and only when it is a
 * regular file (-EINVAL).  The fd (O_CLOEXEC), or a negative errno.
 */
int paths_open_append(const char *path);

#endif
