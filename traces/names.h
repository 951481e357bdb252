/* The names strace prints for flags, enumerations, errnos and signals
 * (x86_64, strace 6.1 through 7.2), as tables of facts: name -> value.
 *
 * One table per argument kind; a table says whether its values are bit
 * flags (OR-ed) or an enumeration (one name). Tables hold every name any
 * strace version prints, so logs of old and new versions decode alike.
 */
#ifndef MMSIM_TRACES_NAMES_H
#define MMSIM_TRACES_NAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct trace_name {
	const char *name;
	uint64_t value;
};

struct trace_names {
	const char *what;               /* "mmap prot", for messages */
	bool flags;                     /* OR-able bits; else one value */
	const struct trace_name *names;
	size_t n;
	/* The "N<<X_HUGE_SHIFT" operand's name and shift, or NULL. */
	const char *shift_name;
	unsigned shift;
};

extern const struct trace_names trace_names_prot;        /* PROT_* */
extern const struct trace_names trace_names_map;         /* MAP_* (type and flags), MAP_HUGE_SHIFT */
extern const struct trace_names trace_names_mremap;      /* MREMAP_* */
extern const struct trace_names trace_names_madv;        /* MADV_* (enumeration) */
extern const struct trace_names trace_names_mfd;         /* MFD_*, MFD_HUGE_SHIFT */
extern const struct trace_names trace_names_seals;       /* F_SEAL_* */
extern const struct trace_names trace_names_fcntl_cmd;   /* F_* commands (enumeration) */
extern const struct trace_names trace_names_open;        /* O_* (O_RDONLY is 0) */
extern const struct trace_names trace_names_clone;       /* CLONE_* and the exit signal in the low byte */
extern const struct trace_names trace_names_at;          /* AT_* flags */
extern const struct trace_names trace_names_falloc;      /* FALLOC_FL_* */
extern const struct trace_names trace_names_seek;        /* SEEK_* (enumeration) */
extern const struct trace_names trace_names_close_range; /* CLOSE_RANGE_* */
extern const struct trace_names trace_names_pkey;        /* PKEY_DISABLE_*, PKEY_UNRESTRICTED */
extern const struct trace_names trace_names_mseal;       /* (none named yet: numbers) */
extern const struct trace_names trace_names_signal;      /* SIG* (enumeration) */
extern const struct trace_names trace_names_fd_flags;    /* FD_CLOEXEC (F_SETFD) */
extern const struct trace_names trace_names_shadow_stack; /* SHADOW_STACK_SET_* (map_shadow_stack) */
extern const struct trace_names trace_names_resolve;     /* RESOLVE_* (openat2's resolve field) */

/* The value of the name text[0..len) in table t: 0 and *value, or -1
 * when t has no such name. A binary search: no setup, no allocation. */
int trace_names_find(const struct trace_names *t, const char *name, size_t len, uint64_t *value);

/* The errno a name stands for ("ENOMEM" -> 12; also ERESTARTSYS 512,
 * ERESTARTNOINTR 513, ERESTARTNOHAND 514, ERESTART_RESTARTBLOCK 516),
 * or 0 when unknown. */
int trace_errno_by_name(const char *name, size_t len);
/* The name of an errno ("ENOMEM"), or NULL. */
const char *trace_errno_name(int err);

/* x86_64 syscall numbers of the calls replay knows, by name, and back;
 * "syscall_0x1ce" names 462 (mseal) by number. -1 / NULL when unknown. */
int trace_syscall_nr(const char *name, size_t len);
const char *trace_syscall_name(int nr);

#ifdef __cplusplus
}
#endif

#endif
