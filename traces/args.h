/* Decoding a call's arguments as strace prints them
 * (shared/strace-formats.md sections 3 and 9).
 *
 *   mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_SHARED, 3</memfd:x>(deleted), 0)
 *        ^0    ^1    ^2                    ^3          ^4                     ^5
 *
 * trace_args_split() cuts the text at the commas that separate arguments
 * (not those inside strings, [arrays], {structs}, comments or
 * <annotations>); the decoders then read one argument each. Every
 * printed form of one value decodes to the same bits: a name, names with
 * a hex remainder ("F_SEAL_SEAL|0x40"), "0x8" with an "MFD_???" comment, raw numbers
 * (-X raw), number-plus-comment (-X verbose, comments nested),
 * "21<<MAP_HUGE_SHIFT". Named arguments ("flags=CLONE_VM|SIGCHLD", -N)
 * are found by name. Decoders return 0, or -1 when the text is not such
 * a value (the replay then calls the line malformed).
 *
 * Every decoder looks past a lower-case "name=" prefix, so an argument
 * decodes alike by position with or without -N. Numbers are decimal,
 * 0x hex, or octal when they start with 0 (modes: "0755").
 */
#ifndef MMSIM_TRACES_ARGS_H
#define MMSIM_TRACES_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "traces/event.h"
#include "traces/names.h"

#ifdef __cplusplus
extern "C" {
#endif

#define TRACE_MAX_ARGS 8

struct trace_args {
	size_t n;
	struct trace_text arg[TRACE_MAX_ARGS];   /* trimmed; a "name=" prefix kept */
};

/* Split args into at most TRACE_MAX_ARGS arguments: 0, or -1 when the
 * brackets or quotes do not balance or there are too many. A trailing
 * ", " (a call cut off) is allowed. */
int trace_args_split(struct trace_text args, struct trace_args *out);

/* The same as trace_args_split(), given where the top-level ',' of args
 * are (offsets into args.s, ascending, as the reader records them in a
 * trace_event): no scan. */
int trace_args_split_at(struct trace_text args, const uint32_t *comma, size_t ncommas,
			struct trace_args *out);

/* The argument called `name` ("flags" in "flags=CLONE_VM|SIGCHLD"), its
 * value part in *out; in a struct argument ("{flags=..., exit_signal=SIGCHLD}")
 * too. 0, or -1 when there is none. A struct's own fields only (not those
 * of structs inside it), and of the first struct: in "{...} => {...}" the
 * second is what the kernel wrote back. */
int trace_arg_named(const struct trace_args *a, const char *name, struct trace_text *out);
int trace_struct_field(struct trace_text strct, const char *name, struct trace_text *out);

/* An integer: decimal (signed or not), 0x hex, NULL (0), with any -y/-Y
 * annotation ("3</memfd:x>(deleted)", "15307<proc>") or comment after it
 * ignored; "AT_FDCWD" is -100. The value as the 64 bits printed. */
int trace_arg_int(struct trace_text t, uint64_t *v);

/* Flags or an enumerated value, by the names in `table` (traces/names.h):
 * NAME|NAME|0xREST, numbers, N<<X_HUGE_SHIFT, comments. */
int trace_arg_flags(struct trace_text t, const struct trace_names *table, uint64_t *v);

/* A string argument: its bytes, escapes decoded, into buf (size bytes,
 * NUL added, cut if longer: *len is the full decoded length). *cut is
 * true when strace printed "..." after it (-s truncation). NULL or a
 * number (an unreadable pointer) gives *is_null = true and len 0. */
int trace_arg_string(struct trace_text t, char *buf, size_t size, size_t *len, bool *cut,
		     bool *is_null);

/* The path of a -y annotation on an fd argument ("3</memfd:x>(deleted)"
 * -> "/memfd:x", *deleted = true), escapes decoded; -1 when there is none. */
int trace_arg_fd_path(struct trace_text t, char *buf, size_t size, bool *deleted);

#ifdef __cplusplus
}
#endif

#endif
