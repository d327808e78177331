// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The libraries the dynamic variant (make STATIC=0) dlopen()s, as an ELF
 * note that packaging tools read (the format systemd documents as
 * "ELF dlopen metadata": https://systemd.io/ELF_DLOPEN_METADATA/).  Linked
 * into the dynamic variant only; the static build opens no library.
 * Keep it in step with early/pci/modload.c and early/policy/storage.c.
 */

#define DLOPEN_NOTE_TYPE 0x407c0c0aU

#define DLOPEN_JSON                                                                                \
	"[{\"feature\":\"kmod\",\"description\":\"load vfio-pci and the configured drivers\","     \
	"\"priority\":\"required\",\"soname\":[\"libkmod.so.2\"]},"                                \
	"{\"feature\":\"blkid\",\"description\":\"resolve UUID= and LABEL= in the storage "        \
	"guard\",\"priority\":\"recommended\",\"soname\":[\"libblkid.so.1\"]}]"

struct dlopen_note {
	unsigned int n_namesz;
	unsigned int n_descsz;
	unsigned int n_type;
	char name[4];
	char desc[(sizeof(DLOPEN_JSON) + 3) & ~3U];
};

__attribute__((used, section(".note.dlopen"),
	       aligned(4))) static const struct dlopen_note gpupass_dlopen_note = {
	.n_namesz = 4,
	.n_descsz = (sizeof(DLOPEN_JSON) + 3) & ~3U,
	.n_type = DLOPEN_NOTE_TYPE,
	.name = "FDO",
	.desc = DLOPEN_JSON,
};
