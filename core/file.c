#include "core/file.h"
#include "core/alloc.h"

#include <stdlib.h>
#include <string.h>

struct inode *inode_new(enum inode_kind kind, unsigned dev_major, unsigned dev_minor,
			uint64_t ino, const char *path)
{
	struct inode *inode = core_zalloc(1, sizeof(*inode));

	if (!inode)
		return NULL;
	inode->path = core_strdup(path ? path : "");
	if (!inode->path) {
		free(inode);
		return NULL;
	}
	inode->refs = 1;
	inode->kind = kind;
	inode->dev_major = dev_major;
	inode->dev_minor = dev_minor;
	inode->ino = ino;
	return inode;
}

void inode_get(struct inode *inode)
{
	inode->refs++;
}

void inode_put(struct inode *inode)
{
	if (!inode || --inode->refs)
		return;
	free(inode->path);
	free(inode);
}

struct file *file_open(struct inode *inode, unsigned mode)
{
	struct file *file = core_zalloc(1, sizeof(*file));

	if (!file)
		return NULL;
	file->refs = 1;
	file->mode = mode;
	file->inode = inode;
	inode_get(inode);
	return file;
}

struct file *file_open_path(struct inode *inode, unsigned mode)
{
	struct file *file = file_open(inode, mode);

	if (file && (mode & FILE_MODE_WRITE)) {
		file->holds_write_access = true;
		inode->write_openers++;
	}
	return file;
}

void file_get(struct file *file)
{
	file->refs++;
}

void file_put(struct file *file)
{
	if (!file || --file->refs)
		return;
	if (file->holds_write_access)
		file->inode->write_openers--;
	inode_put(file->inode);
	free(file);
}
