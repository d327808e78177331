// SPDX-License-Identifier: GPL-2.0-only
/*
 * TEST ONLY, never installed on a real system: a mediated-device parent for
 * gpupass's QEMU boot tests.  It binds QEMU's pci-testdev (1b36:0005, which
 * no other driver takes) and registers it with the mdev framework the way
 * i915 with GVT-g registers an integrated GPU: two types under
 * mdev_supported_types/ of the PCI device, each with name, description,
 * device_api (vfio-pci), available_instances and create.  An mdev made from
 * a type is a vfio device on an emulated IOMMU (as kvmgt's vGPUs are) that
 * does nothing: no region, no interrupt; only creation and removal are real.
 *
 * available_instances is counted here, per parent and type (the kernel
 * leaves the count to drivers that have get_available), so the tests can
 * exhaust a type and see it come back after a removal or an unbind.
 *
 * Kernel 6.1 API (Debian 12): mdev_register_parent(), vfio_alloc_device().
 */
#include <linux/atomic.h>
#include <linux/mdev.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/vfio.h>

#define DRV_NAME "gpupass_mdev_test"

struct test_type_info {
	const char *sysfs_name;	 /* the directory is DRV_NAME "-" sysfs_name */
	const char *pretty_name; /* the "name" file */
	int max;		 /* instances per parent */
};

static const struct test_type_info type_info[] = {
	{ "small", "GPUPASS_TEST_small", 2 },
	{ "large", "GPUPASS_TEST_large", 1 },
};

#define NR_TYPES ARRAY_SIZE(type_info)

struct test_type {
	struct mdev_type type;
	const struct test_type_info *info;
	atomic_t left; /* instances that can still be made */
};

/* One per bound PCI device: the mdev parent and its types. */
struct test_parent {
	struct mdev_parent parent;
	struct test_type types[NR_TYPES];
	struct mdev_type *type_ptrs[NR_TYPES];
};

/* One per mdev: the vfio device the mdev core binds. */
struct test_mdev {
	struct vfio_device vdev;
	struct test_type *tt;
};

static struct test_type *to_test_type(struct mdev_type *mtype)
{
	return container_of(mtype, struct test_type, type);
}

/* Called once the last reference to the vfio device goes. */
static void test_release(struct vfio_device *vdev)
{
	struct test_mdev *tm = container_of(vdev, struct test_mdev, vdev);

	atomic_inc(&tm->tt->left);
	vfio_free_device(vdev);
}

static const struct vfio_device_ops test_vfio_ops = {
	.name = DRV_NAME,
	.release = test_release,
};

static int test_mdev_probe(struct mdev_device *mdev)
{
	struct test_type *tt = to_test_type(mdev->type);
	struct test_mdev *tm;
	int ret;

	/* The kernel does not count for a driver with get_available: refuse here. */
	if (atomic_dec_if_positive(&tt->left) < 0)
		return -ENOSPC;
	tm = vfio_alloc_device(test_mdev, vdev, &mdev->dev, &test_vfio_ops);
	if (IS_ERR(tm)) {
		atomic_inc(&tt->left);
		return PTR_ERR(tm);
	}
	tm->tt = tt; /* from here on test_release() gives the instance back */
	ret = vfio_register_emulated_iommu_dev(&tm->vdev);
	if (ret) {
		vfio_put_device(&tm->vdev);
		return ret;
	}
	dev_set_drvdata(&mdev->dev, tm);
	dev_info(&mdev->dev, "created, type %s\n", tt->info->sysfs_name);
	return 0;
}

static void test_mdev_remove(struct mdev_device *mdev)
{
	struct test_mdev *tm = dev_get_drvdata(&mdev->dev);

	vfio_unregister_group_dev(&tm->vdev);
	vfio_put_device(&tm->vdev);
	dev_info(&mdev->dev, "removed\n");
}

static unsigned int test_get_available(struct mdev_type *mtype)
{
	return atomic_read(&to_test_type(mtype)->left);
}

static ssize_t test_show_description(struct mdev_type *mtype, char *buf)
{
	const struct test_type_info *info = to_test_type(mtype)->info;

	return sysfs_emit(buf, "gpupass test vGPU (%s), %d per parent\n", info->sysfs_name,
			  info->max);
}

static struct mdev_driver test_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.probe = test_mdev_probe,
	.remove = test_mdev_remove,
	.get_available = test_get_available,
	.show_description = test_show_description,
	.driver = {
		.name = DRV_NAME,
		.owner = THIS_MODULE,
		.mod_name = KBUILD_MODNAME,
	},
};

static int test_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct test_parent *tp;
	unsigned int i;
	int ret;

	tp = devm_kzalloc(&pdev->dev, sizeof(*tp), GFP_KERNEL);
	if (!tp)
		return -ENOMEM;
	for (i = 0; i < NR_TYPES; i++) {
		tp->types[i].info = &type_info[i];
		tp->types[i].type.sysfs_name = type_info[i].sysfs_name;
		tp->types[i].type.pretty_name = type_info[i].pretty_name;
		atomic_set(&tp->types[i].left, type_info[i].max);
		tp->type_ptrs[i] = &tp->types[i].type;
	}
	/* Sends the MDEV_STATE=registered change event gpupass's udev rule waits for. */
	ret = mdev_register_parent(&tp->parent, &pdev->dev, &test_mdev_driver, tp->type_ptrs,
				   NR_TYPES);
	if (ret)
		return ret;
	pci_set_drvdata(pdev, tp);
	return 0;
}

/* Unregistering removes every mdev of the parent first. */
static void test_pci_remove(struct pci_dev *pdev)
{
	struct test_parent *tp = pci_get_drvdata(pdev);

	mdev_unregister_parent(&tp->parent);
}

static const struct pci_device_id test_pci_ids[] = {
	{ PCI_DEVICE(PCI_VENDOR_ID_REDHAT, 0x0005) }, /* QEMU's pci-testdev */
	{}
};
MODULE_DEVICE_TABLE(pci, test_pci_ids);

static struct pci_driver test_pci_driver = {
	.name = DRV_NAME,
	.id_table = test_pci_ids,
	.probe = test_pci_probe,
	.remove = test_pci_remove,
};

static int __init test_init(void)
{
	int ret;

	ret = mdev_register_driver(&test_mdev_driver);
	if (ret)
		return ret;
	ret = pci_register_driver(&test_pci_driver);
	if (ret)
		mdev_unregister_driver(&test_mdev_driver);
	return ret;
}

static void __exit test_exit(void)
{
	pci_unregister_driver(&test_pci_driver);
	mdev_unregister_driver(&test_mdev_driver);
}

module_init(test_init);
module_exit(test_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TEST ONLY: mdev parent on QEMU's pci-testdev, for gpupass's boot tests");
