/* Running a conform sequence in the model: a fresh struct mm and task
 * with the detected profile, the same calls through syscalls/sys.h, and
 * after each one the window's lines rendered as /proc prints them.
 *
 * The model sees the live child as it was at the start (from the live
 * run's REC_START): every VMA outside the reserved region is put into
 * the mm as a placeholder with its real range, so that map_count is the
 * kernel's (max_map_count pressure depends on it), and so that the brk
 * and placement searches run into the same obstacles. A placeholder
 * maps a file of its own, so it never merges with anything. Its other
 * attributes are not the kernel's (the model only ever compares the
 * window), which is fine as long as no call changes it -- and none may.
 */
#include "syscalls/conform.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "core/file.h"
#include "core/maps.h"
#include "core/mm.h"
#include "core/task.h"
#include "syscalls/conform_internal.h"
#include "syscalls/sys.h"
#include "vma/store.h"
#include "vma/vma.h"

/* mm_check after each call while the mm is small (it is O(VMAs)); once a
 * fill() made it large, only at the end. */
#define CHECK_EACH_CALL_BELOW 4096

/* A model run of 30 calls takes about a millisecond; seconds mean a loop. */
#define MODEL_TIMEOUT_MS 3000

static int add_placeholders(struct mm *mm, const struct conform_run *live)
{
	struct inode *inode = inode_new(INODE_REGULAR, 0, 0, 0, "(outside the window)");

	if (!inode)
		return -ENOMEM;
	for (size_t i = 0; i < live->noutside; i++) {
		const struct conform_outside *o = &live->outside[i];
		vm_flags_t flags = VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC;
		struct file *file = NULL;
		struct vma *vma;
		uint8_t special = VMA_NORMAL;

		flags |= o->perms[0] == 'r' ? VM_READ : 0;
		flags |= o->perms[1] == 'w' ? VM_WRITE : 0;
		flags |= o->perms[2] == 'x' ? VM_EXEC : 0;
		flags |= o->perms[3] == 's' ? VM_SHARED | VM_MAYSHARE : 0;
		switch (o->kind) {
		case 1: flags |= VM_GROWSDOWN; break;
		case 2: special = VMA_VDSO; break;
		case 3: special = VMA_VVAR; break;
		case 4: special = VMA_VVAR_VCLOCK; break;
		}
		if (special == VMA_NORMAL) {
			file = file_open(inode, FILE_MODE_READ | FILE_MODE_WRITE);
			if (!file) {
				inode_put(inode);
				return -ENOMEM;
			}
		} else {
			flags &= ~(VM_SHARED | VM_MAYSHARE);
		}
		vma = vma_new(o->start, o->end, flags, o->start >> PAGE_SHIFT, file);
		if (file)
			file_put(file);
		if (!vma) {
			inode_put(inode);
			return -ENOMEM;
		}
		vma->special = special;
		vma->origin = (struct vma_origin){ .step = 0, .nr = -1 };
		if (store_insert(&mm->vmas, vma) != 0) {
			vma_free(vma);
			inode_put(inode);
			return -ENOMEM;
		}
		if (o->kind == 1)
			mm->start_stack = o->end - 8;
	}
	inode_put(inode);
	return 0;
}

static int64_t dispatch(struct task *t, const struct conform_call *c, uint64_t *fill_next,
			const struct conform_layout *l, unsigned max_map_count)
{
	const uint64_t *a = c->arg;

	switch (c->nr) {
	case NR_MMAP:
		return sys_mmap(t, a[0], a[1], a[2], a[3], (int64_t)a[4], a[5]);
	case NR_MUNMAP:
		return sys_munmap(t, a[0], a[1]);
	case NR_MPROTECT:
		return sys_mprotect(t, a[0], a[1], a[2]);
	case NR_PKEY_MPROTECT:
		return sys_pkey_mprotect(t, a[0], a[1], a[2], (int64_t)a[3]);
	case NR_PKEY_ALLOC:
		return sys_pkey_alloc(t, a[0], a[1]);
	case NR_PKEY_FREE:
		return sys_pkey_free(t, (int64_t)a[0]);
	case NR_MREMAP:
		return sys_mremap(t, a[0], a[1], a[2], a[3], a[4]);
	case NR_MADVISE:
		return sys_madvise(t, a[0], a[1], (int64_t)a[2]);
	case NR_BRK:
		return sys_brk(t, a[0]);
	case NR_MSEAL:
		return sys_mseal(t, a[0], a[1], a[2]);
	case CONFORM_TOUCH:
		return sys_touch(t, a[0], a[1] != 0);
	case CONFORM_FILL: {
		/* the live child's fill(), through the model's mmap */
		int64_t need = (int64_t)max_map_count - (int64_t)a[0] - (int64_t)mm_map_count(t->mm);
		int64_t made = 0;
		uint64_t room = (l->fill_hi - l->fill_lo) / PAGE_SIZE;

		while (made < need && *fill_next < room) {
			int64_t r = sys_mmap(t, l->fill_lo + *fill_next * PAGE_SIZE, PAGE_SIZE,
					     (*fill_next & 1) ? PROT_NONE : PROT_READ,
					     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

			if (r < 0 && r >= -4095)
				break;
			(*fill_next)++;
			made++;
		}
		return made;
	}
	default:
		return -ENOSYS;
	}
}

/* The window's lines: maps line, then "VmFlags: ...", per VMA of [lo, hi). */
static char *render(const struct mm *mm, const struct conform_layout *l, const char *problem)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	struct store_iter it;
	char line[512], codes[3 * 64 + 1];

	if (!f)
		return NULL;
	for (struct vma *v = store_iter_seek(&it, &mm->vmas, l->lo); v && v->start < l->hi;
	     v = store_iter_next(&it)) {
		size_t need = mm_format_maps_line(mm, v, line, sizeof(line));

		if (need < sizeof(line)) {
			fputs(line, f);
		} else {
			char *big = malloc(need + 1);

			if (big) {
				mm_format_maps_line(mm, v, big, need + 1);
				fputs(big, f);
				free(big);
			}
		}
		vm_flags_format(v->flags, codes, sizeof(codes));
		fprintf(f, "VmFlags: %s\n", codes);
	}
	if (problem)
		fprintf(f, "!mm_check: %s\n", problem);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

struct model_ctx {
	const struct conform_env *env;
	const struct conform_seq *s;
	const struct conform_run *live;
};

/* In the child: run the calls, one record per call as it completes, so
 * that a model which crashes or hangs still reports the calls before. */
static void model_child(void *arg, int fd)
{
	const struct model_ctx *m = arg;
	const struct conform_env *env = m->env;
	const struct conform_seq *s = m->s;
	struct conform_layout l;
	struct mm mm;
	struct task t;
	uint64_t fill_next = 0;

	conform_layout_of(s, env->feat.fill ? env->max_map_count : 0, &l);
	mm_init(&mm);
	mm.max_map_count = env->max_map_count;
	mm.has_vsyscall = false;
	mm.start_stack = 0;
	if (m->live && add_placeholders(&mm, m->live) != 0) {
		conform_send(fd, REC_ERROR, 0, 0, 0, "out of memory", 13);
		return;
	}
	if (m->live) {
		mm.start_brk = m->live->start_brk;
		mm.brk = m->live->brk;
	}
	memset(&t, 0, sizeof(t));
	t.mm = &mm;
	t.profile = &env->profile;

	for (size_t i = 0; i < s->n; i++) {
		const struct conform_call *c = &s->calls[i];
		char problem[256];
		bool check = mm_map_count(&mm) < CHECK_EACH_CALL_BELOW || i + 1 == s->n;
		int64_t ret;
		char *text;

		t.step = (uint32_t)(i + 1);
		ret = dispatch(&t, c, &fill_next, &l, env->max_map_count);
		if (conform_ret_elsewhere(s, c->nr, ret))
			sys_munmap(&t, (uint64_t)ret,
				   page_align(c->nr == NR_MMAP ? c->arg[1] : c->arg[2]));
		if (t.refusal.err && t.refusal.rule)
			conform_send(fd, REC_RULE, (uint32_t)i, 0, 0, t.refusal.rule,
				     strlen(t.refusal.rule));
		text = render(&mm, &l, check && mm_check(&mm, problem, sizeof(problem)) ? problem : NULL);
		if (!text) {
			conform_send(fd, REC_ERROR, 0, 0, 0, "out of memory", 13);
			return;
		}
		conform_send(fd, REC_CALL, (uint32_t)i, ret, 0, text, strlen(text));
		free(text);
	}
	conform_send(fd, REC_END, 0, 0, 0, NULL, 0);
	/* no mm_destroy: the process ends here */
}

int conform_model_run(const struct conform_env *env, const struct conform_seq *s,
		      const struct conform_run *live, struct conform_run *out)
{
	struct model_ctx m = { env, s, live };
	struct conform_child res;
	struct conform_rec r;
	const char *text;
	size_t pos = 0;
	bool ended = false, fills = false;
	int rc;

	memset(out, 0, sizeof(*out));
	out->obs = calloc(s->n ? s->n : 1, sizeof(*out->obs));
	if (!out->obs)
		return -ENOMEM;
	for (size_t i = 0; i < s->n; i++)
		fills |= s->calls[i].nr == CONFORM_FILL;
	/* the model takes milliseconds: a model that loops is cut short sooner
	 * than a live child */
	rc = conform_child_run(model_child, &m, MODEL_TIMEOUT_MS + (fills ? 120000 : 0), &res);
	if (rc) {
		out->status = CONFORM_HARNESS;
		out->error = conform_strndup("cannot run the model's child", 28);
		return 0;
	}
	while (conform_next_rec(&res, &pos, &r, &text)) {
		if (r.kind == REC_CALL && r.idx == out->n && r.idx < s->n) {
			out->obs[out->n].ret = r.a;
			out->obs[out->n].maps = conform_strndup(text, r.len);
			if (!out->obs[out->n].maps) {
				rc = -ENOMEM;
				break;
			}
			out->n++;
		} else if (r.kind == REC_RULE && r.idx == out->n && r.idx < s->n) {
			out->obs[out->n].rule = conform_strndup(text, r.len);
		} else if (r.kind == REC_END) {
			ended = true;
		} else {
			out->status = CONFORM_HARNESS;
			out->error = conform_strndup(text, r.len);
			break;
		}
	}
	if (!ended && out->status == CONFORM_RAN) {
		out->status = res.timed_out ? CONFORM_TIMEOUT : CONFORM_DIED;
		out->signal = WIFSIGNALED(res.status) ? WTERMSIG(res.status) : 0;
	}
	free(res.buf);
	return rc ? rc : conform_normalise(out);
}
