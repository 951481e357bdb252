/* Pid namespaces, as far as vm.memfd_noexec is concerned
 * (kernel/pid_sysctl.h, include/linux/pid_namespace.h).
 *
 *   init  stored 0                 effective 0
 *    └── A  stored 1               effective max(1, 0)       = 1
 *         └── B  stored 1          effective max(1, 1, 0)    = 1
 *   (A's stored value raised to 2 later: B's effective is 2 at once)
 *
 * Each namespace stores a value, copied from its parent's effective value
 * when it is created; the value that counts (memfd_create, reads) is the
 * largest stored value from the namespace up to the root, computed when
 * used. A write replaces the namespace's own stored value, within
 * [parent's effective value, 2].
 */
#ifndef MMSIM_SYSCTL_PIDNS_H
#define MMSIM_SYSCTL_PIDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* vm.memfd_noexec values (include/linux/pid_namespace.h). */
enum memfd_noexec_scope {
	MEMFD_NOEXEC_SCOPE_EXEC = 0,             /* memfds are executable unless asked */
	MEMFD_NOEXEC_SCOPE_NOEXEC_SEAL = 1,      /* neither flag means MFD_NOEXEC_SEAL */
	MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED = 2,  /* and MFD_EXEC is refused */
};

struct pidns {
	struct pidns *parent;
	unsigned refs;
	unsigned level;        /* 0 for the initial namespace */
	int memfd_noexec;      /* the stored value, not the effective one */
	/* Pid allocation (kernel/pid.c: alloc_pid): the first task made in
	 * the namespace is its init; once that has exited nothing may enter
	 * (fork there is ENOMEM), as after `unshare -p` without -f. */
	int64_t init_pid;      /* 0: no task yet */
	bool init_exited;
};

/* kernel/pid_namespace.c: MAX_PID_NS_LEVEL (levels below the initial one). */
#define PIDNS_MAX_LEVEL 32

/* The initial pid namespace, stored value 0. NULL when out of memory. */
struct pidns *pidns_new_root(void);
/* A child of parent (kernel/pid_namespace.c: create_pid_namespace): it
 * stores the parent's effective value. Holds a reference on parent. */
struct pidns *pidns_new_child(struct pidns *parent);
void pidns_get(struct pidns *ns);
void pidns_put(struct pidns *ns);

/* The value in force: the largest stored value up to the root
 * (pidns_memfd_noexec_scope). */
int pidns_memfd_noexec(const struct pidns *ns);

/* Store value in ns (kernel/pid_sysctl.h: pid_mfd_noexec_dointvec_minmax):
 * -EPERM without CAP_SYS_ADMIN (in the user namespace owning ns),
 * -EINVAL below the parent's effective value or above 2; else 0. */
int pidns_set_memfd_noexec(struct pidns *ns, long value, bool cap_sys_admin);

/* A write(2) of buf[0..len) at position pos to /proc/sys/vm/memfd_noexec
 * by a task of ns: the same parser as every int sysctl, bounds [parent's
 * effective value, 2]. Returns what write() returns. */
int64_t pidns_write_memfd_noexec(struct pidns *ns, const char *buf, size_t len, uint64_t pos,
				 bool cap_sys_admin);

/* A read of it at pos into buf (size bytes): the effective value and a
 * newline, as proc_dointvec prints it. Returns the bytes read. */
size_t pidns_read_memfd_noexec(const struct pidns *ns, char *buf, size_t size, uint64_t pos);

#ifdef __cplusplus
}
#endif

#endif
