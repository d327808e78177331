#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# TEST ONLY.  The admin's journey on a booted Debian system with the gpupass
# package installed, run by gpupass-systest.service once multi-user.target is
# reached.  It only does what an admin would do at a shell (gpupass's verbs,
# sysfs reads, editing /etc/gpupass.conf, unbinding the PF); the SR-IOV VFs
# come from the package's own udev rule and unit.  It prints one line per fact
# on the serial console for tests/system/run.sh, then powers off.
#   systest=journey  the first boot    systest=second  after the offline rebuild
#   systest=off      booted with gpupass=off
# Lines:  SYS-DEV LABEL ADDR driver=NAME override=VALUE
#         SYS-OUT LABEL TEXT (each output line of a command; SYS-RC LABEL RC)
#         SYS-KMSG [TIME] TEXT (kernel log lines of gpupass, bochs, systemd)
#         SYS-END

echo 1 > /proc/sys/kernel/printk
mode=$(sed -n 's/.*systest=\([a-z]*\).*/\1/p' /proc/cmdline)
out=/run/gpupass-systest.out
DEVS="0000:00:02.0 0000:00:04.0 0000:00:04.1 0000:00:06.0 0000:01:00.0 0000:01:00.1 0000:01:00.2"

echo "SYS-BEGIN $mode"

link_name()
{
	if [ -e "$1" ]; then
		(cd -P "$1" 2> /dev/null && echo "${PWD##*/}")
	else
		echo none
	fi
}

# devs LABEL: every test device's driver now.
devs()
{
	for a in $DEVS; do
		d=/sys/bus/pci/devices/$a
		if [ ! -e "$d" ]; then
			echo "SYS-DEV $1 $a absent"
			continue
		fi
		echo "SYS-DEV $1 $a driver=$(link_name "$d/driver")" \
			"override=$(cat "$d/driver_override" 2> /dev/null)"
	done
}

# run LABEL COMMAND...: its output (stdout and stderr) and exit status.
run()
{
	label=$1
	shift
	"$@" > "$out" 2>&1
	rc=$?
	sed "s/^/SYS-OUT $label /" "$out"
	echo "SYS-RC $label $rc"
}

# settle: udev done with the events of the last step, asynchronous probes too.
settle()
{
	udevadm settle --timeout=60 > /dev/null 2>&1
	sleep 2
	udevadm settle --timeout=60 > /dev/null 2>&1
}

# verify_again LABEL: gpupass-verify.service restarted; its state, the
# system's, and the sriov rule's gauge in the textfile it wrote.
verify_again()
{
	systemctl restart gpupass-verify.service > /dev/null 2>&1
	run "verify-$1" systemctl is-active gpupass-verify.service
	run "system-$1" systemctl is-system-running
	run "prom-$1" sed -n 's/^gpupass_rule_satisfied{kind="sriov".*} /sriov /p' \
		/var/lib/prometheus/node-exporter/gpupass.prom
}

settle
echo "SYS-TIME start $(cut -d' ' -f1 /proc/uptime)"
run enabled systemctl is-enabled gpupass-late.service
run late-active systemctl is-active gpupass-late.service
devs boot
run status-json gpupass status --json
run status gpupass status
# What a fleet sees: the boot finished (this unit is Type=exec, so it does not
# hold the boot up), gpupass-verify.service's verdict and files, and a
# capture that the host checks against this boot's plan and status.
run system-state timeout 120 systemctl is-system-running --wait
run verify-active systemctl is-active gpupass-verify.service
run prom cat /var/lib/prometheus/node-exporter/gpupass.prom
run nfd cat /etc/kubernetes/node-feature-discovery/features.d/gpupass
run plan gpupass plan
# An admin without sudo: the kernel hides /proc/1/root from them, which is
# no chroot; check judges the devices.
run check-user setpriv --reuid=65534 --regid=65534 --clear-groups gpupass check
run capture gpupass capture /root/cap.tar

case $mode in
journey)
	run xml gpupass xml 0000:00:04.0
	run release gpupass release 0000:00:04.0 0000:00:04.1
	settle
	devs release
	run apply gpupass apply
	settle
	devs apply
	run status-after-apply gpupass status
	# The VFs removed: status tells (the devices now, not the last record).
	echo 0 > /sys/bus/pci/devices/0000:01:00.0/sriov_numvfs
	settle
	devs vfs-removed
	run status-vfs-removed gpupass status --json
	run status-vfs-removed-text gpupass status
	# The verify unit, run again (as an admin or a timer would), sees it:
	# failed, the system degraded, the sriov rule's gauge 0.
	verify_again vfs-removed
	# The later stage again, by the shipped udev rule alone: the PF's
	# driver goes away and comes back.
	echo 0000:01:00.0 > /sys/bus/pci/drivers/nvme/unbind
	settle
	devs pf-unbound
	echo 0000:01:00.0 > /sys/bus/pci/drivers/nvme/bind
	settle
	devs pf-rebound
	run status-pf-rebound gpupass status --json
	verify_again pf-rebound
	# An admin adds a rule: the running system and the initramfs differ.
	printf '%s\n' '# added by the system test' 'claim 0000:00:06.0' >> /etc/gpupass.conf
	run status-edited gpupass status
	run status-edited-json gpupass status --json
	# Claiming it now does not make the initramfs current.
	run apply-edited gpupass apply
	settle
	devs apply-edited
	run status-edited-applied gpupass status
	run status-edited-applied-json gpupass status --json
	sync
	;;
esac

dmesg | grep -E 'gpupass|bochs|Initialized|EXT4-fs \(vda\)|Run /init' |
	sed 's/^/SYS-KMSG /'
echo "SYS-END"
systemctl poweroff
