/* struct tasks: the processes and threads of one simulated machine, by
 * pid, with what fork, clone, unshare, exec and exit do to them
 * (kernel/fork.c, kernel/nsproxy.c, fs/exec.c, kernel/exit.c).
 *
 *   tasks ── pid 100 (tgid 100) ─┬─ mm  ◄── pid 101 (tgid 100, CLONE_VM|CLONE_THREAD)
 *          │                     └─ files ◄─┘
 *          └─ pid 102 (tgid 102): fork's copies of both
 *
 *   root pidns ◄── every task's pidns, or a child namespace's
 *
 * The table owns one reference on each task's mm, files and pid
 * namespaces; a task leaves it at exit. Pids are what the trace shows
 * (strace prints them as the initial namespace numbers them); a caller
 * that does not know the child's pid passes 0 and the table picks one.
 * Entry points return 0 / a pid, or -errno as the syscalls do.
 */
#ifndef MMSIM_CORE_TASKS_H
#define MMSIM_CORE_TASKS_H

#include <stddef.h>
#include <stdint.h>

#include "core/task.h"

#ifdef __cplusplus
extern "C" {
#endif

/* include/uapi/linux/sched.h (facts). */
#define CLONE_VM_FLAG             0x00000100ULL
#define CLONE_FS_FLAG             0x00000200ULL
#define CLONE_FILES_FLAG          0x00000400ULL
#define CLONE_SIGHAND_FLAG        0x00000800ULL
#define CLONE_PIDFD_FLAG          0x00001000ULL
#define CLONE_PTRACE_FLAG         0x00002000ULL
#define CLONE_VFORK_FLAG          0x00004000ULL
#define CLONE_PARENT_FLAG         0x00008000ULL
#define CLONE_THREAD_FLAG         0x00010000ULL
#define CLONE_NEWNS_FLAG          0x00020000ULL
#define CLONE_SYSVSEM_FLAG        0x00040000ULL
#define CLONE_SETTLS_FLAG         0x00080000ULL
#define CLONE_PARENT_SETTID_FLAG  0x00100000ULL
#define CLONE_CHILD_CLEARTID_FLAG 0x00200000ULL
#define CLONE_DETACHED_FLAG       0x00400000ULL
#define CLONE_UNTRACED_FLAG       0x00800000ULL
#define CLONE_CHILD_SETTID_FLAG   0x01000000ULL
#define CLONE_NEWCGROUP_FLAG      0x02000000ULL
#define CLONE_NEWUTS_FLAG         0x04000000ULL
#define CLONE_NEWIPC_FLAG         0x08000000ULL
#define CLONE_NEWUSER_FLAG        0x10000000ULL
#define CLONE_NEWPID_FLAG         0x20000000ULL
#define CLONE_NEWNET_FLAG         0x40000000ULL
#define CLONE_IO_FLAG             0x80000000ULL
#define CLONE_CLEAR_SIGHAND_FLAG  0x100000000ULL
#define CLONE_INTO_CGROUP_FLAG    0x200000000ULL
#define CLONE_NEWTIME_FLAG        0x00000080ULL
#define CSIGNAL_MASK              0x000000ffULL

struct tasks {
	const struct profile *profile;
	struct pidns *root;          /* the initial pid namespace */
	struct task **bucket;        /* chained on task->hash_next */
	size_t nbuckets, count;
	int64_t next_pid;            /* for children whose pid nobody gave */
};

/* An empty machine: the initial pid namespace (vm.memfd_noexec 0). */
int tasks_init(struct tasks *tasks, const struct profile *profile);
/* Every task leaves; the namespaces go with their last user. */
void tasks_destroy(struct tasks *tasks);

/* The first process, `pid` (0: the table picks), as a shell starts it: an
 * empty address space, fds 0-2 open on a terminal, the initial pid
 * namespace, CAP_SYS_ADMIN (root). NULL when out of memory or the pid is
 * taken. */
struct task *tasks_start(struct tasks *tasks, int64_t pid);

struct task *tasks_find(const struct tasks *tasks, int64_t pid);

/* Give t the pid `pid` (a trace learning a task's real number): 0, or
 * -EEXIST when another task has it. */
int tasks_rename(struct tasks *tasks, struct task *t, int64_t pid);

/* clone(flags) by parent (kernel/fork.c: copy_process), the child
 * numbered child_pid (0: the table picks): the child's pid, or -errno
 * (EINVAL for flag combinations the kernel refuses, EPERM for namespaces
 * without CAP_SYS_ADMIN unless CLONE_NEWUSER comes with them, ENOMEM into
 * a namespace whose init has exited, EEXIST when child_pid is taken).
 * *child (may be NULL) gets the task. The low byte's exit-signal bits
 * are ignored; bit 0x80 is CLONE_NEWTIME (clone3 passes it; sys_clone
 * strips the whole byte). */
int64_t task_clone(struct task *parent, uint64_t flags, int64_t child_pid, struct task **child);

/* unshare(flags) (kernel/fork.c: ksys_unshare): CLONE_FILES gives the
 * task a copy of its fd table, CLONE_NEWPID a namespace for its future
 * children; 0 or -errno. */
int64_t task_unshare(struct task *t, uint64_t flags);

/* A successful exec's effects (fs/exec.c: begin_new_exec): the other
 * threads of the group exit and t takes the group's pid, the fd table is
 * unshared and close-on-exec descriptors close, the address space is a
 * new empty one (seals and all are gone). Returns 0 or -ENOMEM. */
int64_t task_exec(struct task *t);

/* t exits (exit(2)): it leaves the table and drops its references; t is
 * freed. If t is the last thread of its namespace's init process, every
 * task in the namespace and those below it is killed too, and the
 * namespace takes no more tasks (kernel/pid_namespace.c:
 * zap_pid_ns_processes). */
void task_exit(struct task *t);
/* exit_group(2): every task of t's thread group exits; t is freed. */
void task_exit_group(struct task *t);

#ifdef __cplusplus
}
#endif

#endif
