#include "core/tasks.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdlib.h>

#include "core/files.h"
#include "sysctl/pidns.h"

#define FIRST_PID 1000

/* The kernel's flag sets (kernel/fork.c, kernel/nsproxy.c). */
#define CLONE_NEW_NAMESPACES                                                                  \
	(CLONE_NEWNS_FLAG | CLONE_NEWUTS_FLAG | CLONE_NEWIPC_FLAG | CLONE_NEWUSER_FLAG |      \
	 CLONE_NEWPID_FLAG | CLONE_NEWNET_FLAG | CLONE_NEWCGROUP_FLAG | CLONE_NEWTIME_FLAG)
#define UNSHARE_FLAGS                                                                         \
	(CLONE_THREAD_FLAG | CLONE_FS_FLAG | CLONE_SIGHAND_FLAG | CLONE_VM_FLAG |             \
	 CLONE_FILES_FLAG | CLONE_SYSVSEM_FLAG | CLONE_NEW_NAMESPACES)

static size_t bucket_of(const struct tasks *tasks, int64_t pid)
{
	return (size_t)((uint64_t)pid * UINT64_C(0x9e3779b97f4a7c15) >> 40) & (tasks->nbuckets - 1);
}

int tasks_init(struct tasks *tasks, const struct profile *profile)
{
	*tasks = (struct tasks){ .profile = profile, .nbuckets = 64, .next_pid = FIRST_PID };
	tasks->bucket = core_zalloc(tasks->nbuckets, sizeof(*tasks->bucket));
	tasks->root = pidns_new_root();
	if (tasks->bucket && tasks->root)
		return 0;
	free(tasks->bucket);
	pidns_put(tasks->root);
	return -ENOMEM;
}

struct task *tasks_find(const struct tasks *tasks, int64_t pid)
{
	struct task *t = tasks->bucket[bucket_of(tasks, pid)];

	while (t && t->pid != pid)
		t = t->hash_next;
	return t;
}

/* Double the buckets when the chains get long; failing that, keep them. */
static void grow(struct tasks *tasks)
{
	size_t old = tasks->nbuckets;
	struct task **was = tasks->bucket, **now = core_zalloc(2 * old, sizeof(*now));

	if (!now)
		return;
	tasks->bucket = now;
	tasks->nbuckets = 2 * old;
	for (size_t i = 0; i < old; i++)
		for (struct task *t = was[i], *next; t; t = next) {
			size_t b = bucket_of(tasks, t->pid);

			next = t->hash_next;
			t->hash_next = now[b];
			now[b] = t;
		}
	free(was);
}

static void link_task(struct tasks *tasks, struct task *t)
{
	size_t b;

	if (tasks->count >= 2 * tasks->nbuckets)
		grow(tasks);
	b = bucket_of(tasks, t->pid);
	t->hash_next = tasks->bucket[b];
	tasks->bucket[b] = t;
	tasks->count++;
}

static void unlink_task(struct tasks *tasks, struct task *t)
{
	struct task **p = &tasks->bucket[bucket_of(tasks, t->pid)];

	while (*p != t)
		p = &(*p)->hash_next;
	*p = t->hash_next;
	tasks->count--;
}

int tasks_rename(struct tasks *tasks, struct task *t, int64_t pid)
{
	bool leader = t->tgid == t->pid;

	if (tasks_find(tasks, pid))
		return -EEXIST;
	unlink_task(tasks, t);
	if (t->pidns && t->pidns->init_pid == t->pid)
		t->pidns->init_pid = pid;
	t->pid = pid;
	if (leader)
		t->tgid = pid;
	link_task(tasks, t);
	return 0;
}

static int64_t pick_pid(struct tasks *tasks, int64_t pid)
{
	if (pid > 0)
		return tasks_find(tasks, pid) ? -EEXIST : pid;
	while (tasks_find(tasks, tasks->next_pid))
		tasks->next_pid++;
	return tasks->next_pid++;
}

/* Drop everything t holds and free it (it is out of the table). */
static void release(struct task *t)
{
	mm_put(t->mm);
	files_put(t->files);
	pidns_put(t->pidns);
	pidns_put(t->pidns_for_children);
	free(t);
}

/* The three descriptors a shell leaves open: one terminal, read-write. */
static int open_terminal(struct files *files)
{
	struct inode *tty = inode_new(INODE_CHARDEV, 136, 0, 3, "/dev/pts/0");
	struct file *file = tty ? file_open(tty, FILE_MODE_READ | FILE_MODE_WRITE) : NULL;
	int err = file ? 0 : -ENOMEM;

	inode_put(tty);
	for (int fd = 0; fd < 3 && !err; fd++)
		if (files_install(files, file, false, 0) < 0)
			err = -ENOMEM;
	file_put(file);
	return err;
}

struct task *tasks_start(struct tasks *tasks, int64_t pid)
{
	struct task *t;

	pid = pick_pid(tasks, pid);
	if (pid < 0)
		return NULL;
	t = core_zalloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->tasks = tasks;
	t->profile = tasks->profile;
	t->pid = t->tgid = pid;
	t->cap_sys_admin = true;
	t->mm = mm_new();
	t->files = files_new(DEFAULT_NOFILE);
	t->pidns = tasks->root;
	t->pidns_for_children = tasks->root;
	pidns_get(tasks->root);
	pidns_get(tasks->root);
	if (!t->mm || !t->files || open_terminal(t->files)) {
		release(t);
		return NULL;
	}
	if (t->mm)
		t->mm->max_map_count = t->profile ? t->profile->max_map_count : DEFAULT_MAX_MAP_COUNT;
	if (!tasks->root->init_pid)
		tasks->root->init_pid = pid;
	link_task(tasks, t);
	return t;
}

/* kernel/fork.c: copy_process's flag rules, in its order. */
static int check_clone_flags(const struct task *parent, uint64_t flags)
{
	if ((flags & (CLONE_NEWNS_FLAG | CLONE_FS_FLAG)) == (CLONE_NEWNS_FLAG | CLONE_FS_FLAG))
		return -EINVAL;
	if ((flags & (CLONE_NEWUSER_FLAG | CLONE_FS_FLAG)) == (CLONE_NEWUSER_FLAG | CLONE_FS_FLAG))
		return -EINVAL;
	/* Threads share signal handlers, which need a shared mm. */
	if ((flags & CLONE_THREAD_FLAG) && !(flags & CLONE_SIGHAND_FLAG))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND_FLAG) && !(flags & CLONE_VM_FLAG))
		return -EINVAL;
	/* A namespace's init has no parent inside it to share. */
	if ((flags & CLONE_PARENT_FLAG) && parent->pidns && parent->pidns->init_pid == parent->tgid &&
	    parent->pidns != parent->tasks->root)
		return -EINVAL;
	/* A thread lives in its group's namespaces: none new, and not after
	 * unshare(CLONE_NEWPID) moved where children go. */
	if (flags & CLONE_THREAD_FLAG) {
		if (flags & (CLONE_NEWUSER_FLAG | CLONE_NEWPID_FLAG))
			return -EINVAL;
		if (parent->pidns_for_children != parent->pidns)
			return -EINVAL;
	}
	if ((flags & CLONE_PIDFD_FLAG) && (flags & CLONE_DETACHED_FLAG))
		return -EINVAL;
	/* kernel/nsproxy.c: copy_namespaces: CAP_SYS_ADMIN in the child's
	 * user namespace, which a CLONE_NEWUSER child has in full (probed on
	 * 6.18.44: uid 65534 without capabilities clones CLONE_NEWUSER and
	 * CLONE_NEWUSER|CLONE_NEWPID, and gets EPERM for CLONE_NEWPID). */
	if ((flags & CLONE_NEW_NAMESPACES & ~CLONE_NEWUSER_FLAG) && !(flags & CLONE_NEWUSER_FLAG) &&
	    !parent->cap_sys_admin)
		return -EPERM;
	/* After the capability: CLONE_NEWIPC with a shared undo list (EPERM
	 * without CAP_SYS_ADMIN, EINVAL as root, probed). */
	if ((flags & (CLONE_NEWIPC_FLAG | CLONE_SYSVSEM_FLAG)) == (CLONE_NEWIPC_FLAG | CLONE_SYSVSEM_FLAG))
		return -EINVAL;
	/* kernel/pid_namespace.c: copy_pid_ns: a new namespace only below the
	 * task's own; after unshare(CLONE_NEWPID) clone(CLONE_NEWPID) is
	 * EINVAL (probed, at level 1 and at level 31). */
	if ((flags & CLONE_NEWPID_FLAG) && parent->pidns_for_children != parent->pidns)
		return -EINVAL;
	return 0;
}

/* The namespace the child joins: a new one below where the parent's
 * children go (CLONE_NEWPID), or that one itself. */
static int child_pidns(const struct task *parent, uint64_t flags, struct pidns **out)
{
	struct pidns *ns = parent->pidns_for_children;

	if (flags & CLONE_NEWPID_FLAG) {
		if (ns->level >= PIDNS_MAX_LEVEL)
			return -ENOSPC;
		*out = pidns_new_child(ns);
		return *out ? 0 : -ENOMEM;
	}
	/* kernel/pid.c: alloc_pid finds the namespace closed to newcomers. */
	if (ns->init_exited)
		return -ENOMEM;
	pidns_get(ns);
	*out = ns;
	return 0;
}

int64_t task_clone(struct task *parent, uint64_t flags, int64_t child_pid, struct task **out)
{
	struct tasks *tasks = parent->tasks;
	struct task *child;
	int64_t pid;
	int err;

	if (out)
		*out = NULL;
	/* The exit signal (never above 64, so never bit 0x80: clone3's
	 * CLONE_NEWTIME, which sys_clone strips with the rest of the byte). */
	flags &= ~(CSIGNAL_MASK & ~CLONE_NEWTIME_FLAG);
	err = check_clone_flags(parent, flags);
	if (err)
		return err;
	pid = pick_pid(tasks, child_pid);
	if (pid < 0)
		return pid;
	child = core_zalloc(1, sizeof(*child));
	if (!child)
		return -ENOMEM;
	*child = (struct task){ .tasks = tasks, .profile = parent->profile, .pid = pid,
				.tgid = (flags & CLONE_THREAD_FLAG) ? parent->tgid : pid,
				.cap_sys_admin = parent->cap_sys_admin };
	err = child_pidns(parent, flags, &child->pidns);
	if (err) {
		free(child);
		return err;
	}
	child->pidns_for_children = child->pidns;
	pidns_get(child->pidns);
	if (flags & CLONE_VM_FLAG) {
		child->mm = parent->mm;
		mm_get(child->mm);
	} else {
		child->mm = mm_fork(parent->mm);
	}
	if (flags & CLONE_FILES_FLAG) {
		child->files = parent->files;
		files_get(child->files);
	} else {
		child->files = files_copy(parent->files);
	}
	if (!child->mm || !child->files) {
		release(child);
		return -ENOMEM;
	}
	if (!child->pidns->init_pid)
		child->pidns->init_pid = pid;
	link_task(tasks, child);
	if (out)
		*out = child;
	return pid;
}

int64_t task_unshare(struct task *t, uint64_t flags)
{
	if (flags & ~UNSHARE_FLAGS)
		return -EINVAL;
	/* kernel/fork.c: check_unshare_flags, after the implied flags: a new
	 * user namespace implies CLONE_THREAD, CLONE_VM implies CLONE_SIGHAND,
	 * CLONE_SIGHAND implies CLONE_THREAD; each is refused when shared. */
	if (flags & CLONE_NEWUSER_FLAG)
		flags |= CLONE_THREAD_FLAG | CLONE_FS_FLAG;
	if (flags & CLONE_VM_FLAG)
		flags |= CLONE_SIGHAND_FLAG;
	if (flags & CLONE_SIGHAND_FLAG)
		flags |= CLONE_THREAD_FLAG;
	if ((flags & CLONE_VM_FLAG) && t->mm->users > 1)
		return -EINVAL;
	if (flags & (CLONE_THREAD_FLAG | CLONE_SIGHAND_FLAG)) {
		for (size_t b = 0; b < t->tasks->nbuckets; b++)
			for (const struct task *o = t->tasks->bucket[b]; o; o = o->hash_next)
				if (o != t && o->tgid == t->tgid)
					return -EINVAL;
	}
	/* kernel/nsproxy.c: unshare_nsproxy_namespaces: a new user namespace
	 * brings the capability with it (probed: uid 65534 unshares
	 * CLONE_NEWUSER and CLONE_NEWUSER|CLONE_NEWPID). */
	if ((flags & CLONE_NEW_NAMESPACES & ~CLONE_NEWUSER_FLAG) && !(flags & CLONE_NEWUSER_FLAG) &&
	    !t->cap_sys_admin)
		return -EPERM;
	if (flags & CLONE_NEWPID_FLAG) {
		/* kernel/pid_namespace.c: copy_pid_ns: one pending namespace at
		 * a time. */
		if (t->pidns_for_children != t->pidns)
			return -EINVAL;
		if (t->pidns->level >= PIDNS_MAX_LEVEL)
			return -ENOSPC;
	}
	if ((flags & CLONE_FILES_FLAG) && files_unshare(&t->files))
		return -ENOMEM;
	if (flags & CLONE_NEWPID_FLAG) {
		struct pidns *ns = pidns_new_child(t->pidns);

		if (!ns)
			return -ENOMEM;
		pidns_put(t->pidns_for_children);
		t->pidns_for_children = ns;
	}
	return 0;
}

/* A task of thread group tgid other than keep, or NULL. */
static struct task *other_thread(const struct tasks *tasks, int64_t tgid, const struct task *keep)
{
	for (size_t b = 0; b < tasks->nbuckets; b++)
		for (struct task *o = tasks->bucket[b]; o; o = o->hash_next)
			if (o != keep && o->tgid == tgid)
				return o;
	return NULL;
}

static void leave(struct task *t)
{
	unlink_task(t->tasks, t);
	release(t);
}

int64_t task_exec(struct task *t)
{
	struct tasks *tasks = t->tasks;
	struct mm *mm = mm_new();
	struct task *o;

	if (!mm)
		return -ENOMEM;
	if (files_unshare(&t->files)) {
		mm_put(mm);
		return -ENOMEM;
	}
	mm->max_map_count = t->mm->max_map_count;
	mm_put(t->mm);
	t->mm = mm;
	files_close_on_exec(t->files);
	if (!tasks)
		return 0;
	/* fs/exec.c: de_thread: the rest of the group dies, and a thread
	 * that is not the leader takes the leader's pid. */
	while ((o = other_thread(tasks, t->tgid, t)))
		leave(o);
	if (t->pid != t->tgid) {
		unlink_task(tasks, t);
		t->pid = t->tgid;
		link_task(tasks, t);
	}
	return 0;
}

static bool in_or_below(const struct pidns *ns, const struct pidns *top)
{
	for (; ns; ns = ns->parent)
		if (ns == top)
			return true;
	return false;
}

/* The namespace whose init t is the last thread of, if any (never the
 * initial one: the machine's init exiting is not modelled). The init
 * process is its whole thread group: while another of its threads lives
 * the namespace goes on (kernel/exit.c: find_child_reaper finds it;
 * probed on 6.18.44: after the init leader's exit(2) its other thread
 * forked into the namespace and the namespace's other processes lived). */
static struct pidns *init_of(const struct task *t)
{
	struct pidns *ns = t->pidns;

	if (!ns || ns == t->tasks->root || ns->init_pid != t->tgid)
		return NULL;
	return other_thread(t->tasks, t->tgid, t) ? NULL : ns;
}

/* Some task inside ns (or below it) other than t, or NULL. */
static struct task *task_inside(const struct tasks *tasks, const struct pidns *ns, const struct task *t)
{
	for (size_t b = 0; b < tasks->nbuckets; b++)
		for (struct task *o = tasks->bucket[b]; o; o = o->hash_next)
			if (o != t && in_or_below(o->pidns, ns))
				return o;
	return NULL;
}

void task_exit(struct task *t)
{
	struct tasks *tasks = t->tasks;
	struct pidns *ns = init_of(t);
	struct task *o;

	if (!ns) {
		leave(t);
		return;
	}
	ns->init_exited = true;
	pidns_get(ns);
	leave(t);
	while ((o = task_inside(tasks, ns, NULL)))
		task_exit(o);
	pidns_put(ns);
}

void task_exit_group(struct task *t)
{
	struct tasks *tasks = t->tasks;
	int64_t tgid = t->tgid;
	struct task *o;

	while ((o = other_thread(tasks, tgid, t)))
		task_exit(o);
	task_exit(t);
}

void tasks_destroy(struct tasks *tasks)
{
	for (size_t b = 0; b < tasks->nbuckets; b++)
		while (tasks->bucket[b]) {
			struct task *t = tasks->bucket[b];

			tasks->bucket[b] = t->hash_next;
			release(t);
		}
	free(tasks->bucket);
	pidns_put(tasks->root);
	*tasks = (struct tasks){ 0 };
}
