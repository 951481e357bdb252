#include "sysctl/pidns.h"
#include "core/alloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysctl/sysctl_int.h"

struct pidns *pidns_new_root(void)
{
	struct pidns *ns = core_zalloc(1, sizeof(*ns));

	if (ns)
		ns->refs = 1;
	return ns;
}

struct pidns *pidns_new_child(struct pidns *parent)
{
	struct pidns *ns = core_zalloc(1, sizeof(*ns));

	if (!ns)
		return NULL;
	ns->refs = 1;
	ns->parent = parent;
	ns->level = parent->level + 1;
	ns->memfd_noexec = pidns_memfd_noexec(parent);
	pidns_get(parent);
	return ns;
}

void pidns_get(struct pidns *ns)
{
	ns->refs++;
}

void pidns_put(struct pidns *ns)
{
	while (ns && --ns->refs == 0) {
		struct pidns *parent = ns->parent;

		free(ns);
		ns = parent;
	}
}

int pidns_memfd_noexec(const struct pidns *ns)
{
	int scope = MEMFD_NOEXEC_SCOPE_EXEC;

	for (; ns; ns = ns->parent)
		if (ns->memfd_noexec > scope)
			scope = ns->memfd_noexec;
	return scope;
}

int pidns_set_memfd_noexec(struct pidns *ns, long value, bool cap_sys_admin)
{
	int floor = ns->parent ? pidns_memfd_noexec(ns->parent) : MEMFD_NOEXEC_SCOPE_EXEC;

	if (!cap_sys_admin)
		return -EPERM;
	/* The range is [the parent's effective value, 2]: a namespace may
	 * lower its own value down to that floor, never below it. */
	if (value < floor || value > MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED)
		return -EINVAL;
	ns->memfd_noexec = (int)value;
	return 0;
}

int64_t pidns_write_memfd_noexec(struct pidns *ns, const char *buf, size_t len, uint64_t pos,
				 bool cap_sys_admin)
{
	int floor = ns->parent ? pidns_memfd_noexec(ns->parent) : MEMFD_NOEXEC_SCOPE_EXEC;
	struct sysctl_write w;

	if (!cap_sys_admin)
		return -EPERM;
	/* The handler parses into a copy holding the effective value, and
	 * stores whatever the copy holds when the write succeeds. */
	w = sysctl_write_int(buf, len, pos, floor, MEMFD_NOEXEC_SCOPE_NOEXEC_ENFORCED,
			     pidns_memfd_noexec(ns));
	if (w.ret >= 0 && w.stored)
		ns->memfd_noexec = w.value;
	return w.ret;
}

size_t pidns_read_memfd_noexec(const struct pidns *ns, char *buf, size_t size, uint64_t pos)
{
	char text[16];
	size_t n = (size_t)snprintf(text, sizeof(text), "%d\n", pidns_memfd_noexec(ns));

	/* proc_dointvec prints nothing for a read that does not start at 0. */
	if (pos != 0 || size == 0)
		return 0;
	if (n > size)
		n = size;
	memcpy(buf, text, n);
	return n;
}
