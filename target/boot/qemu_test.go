package boot

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

// qemuCase is one machine configuration run on QEMU and planned by Load.
type qemuCase struct {
	cpus    int
	memMiB  uint64
	gic     int
	initrd  int // bytes; 0 = none
	cmdline string
}

func (c qemuCase) String() string {
	return fmt.Sprintf("smp%d-%dM-gicv%d-initrd%d-append%t", c.cpus, c.memMiB, c.gic, c.initrd, c.cmdline != "")
}

var qemuCases = []qemuCase{
	{cpus: 1, memMiB: 128, gic: 2},
	{cpus: 2, memMiB: 512, gic: 2, initrd: 3<<20 + 123, cmdline: "console=ttyAMA0 rdinit=/init"},
	{cpus: 8, memMiB: 256, gic: 2, initrd: 4096, cmdline: "console=ttyAMA0"},
	{cpus: 4, memMiB: 512, gic: 3, initrd: 1 << 20, cmdline: "console=ttyAMA0 irqchip.gicv3_pseudo_nmi=1"},
	{cpus: 17, memMiB: 1024, gic: 3, cmdline: "quiet"},
}

// qemuDTB runs qemu-system-aarch64 -M virt with -kernel (a fake Image), -initrd and -append and returns the
// tree it would hand the kernel (dumpdtb writes it after the boot loader's /chosen changes, then exits).
func qemuDTB(t *testing.T, c qemuCase, kernel, initrd, userDTB []byte) []byte {
	t.Helper()
	qemu, err := exec.LookPath("qemu-system-aarch64")
	require.NoError(t, err, "qemu-system-aarch64 is not installed: run `make deps`")
	dir := t.TempDir()
	image, dtb := filepath.Join(dir, "Image"), filepath.Join(dir, "qemu.dtb")
	require.NoError(t, os.WriteFile(image, kernel, 0o644))
	// QEMU's option syntax escapes a comma in a value by doubling it.
	args := []string{"-M", fmt.Sprintf("virt,gic-version=%d,dumpdtb=%s", c.gic, strings.ReplaceAll(dtb, ",", ",,")), "-cpu", "cortex-a57",
		"-smp", strconv.Itoa(c.cpus), "-m", fmt.Sprintf("%dM", c.memMiB), "-nographic", "-kernel", image}
	if initrd != nil {
		p := filepath.Join(dir, "initrd")
		require.NoError(t, os.WriteFile(p, initrd, 0o644))
		args = append(args, "-initrd", p)
	}
	if c.cmdline != "" {
		args = append(args, "-append", c.cmdline)
	}
	if userDTB != nil {
		p := filepath.Join(dir, "user.dtb")
		require.NoError(t, os.WriteFile(p, userDTB, 0o644))
		args = append(args, "-dtb", p)
	}
	cmd := exec.Command(qemu, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	done := make(chan error, 1)
	require.NoError(t, cmd.Start())
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		require.NoError(t, err, out.String())
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("qemu did not exit after dumpdtb:\n%s", out.String())
	}
	b, err := os.ReadFile(dtb)
	require.NoError(t, err)
	return b
}

// Properties QEMU writes that we leave out on purpose: random seeds (determinism; KASLR is off).
var qemuOnly = map[string]bool{"/chosen/rng-seed": true, "/chosen/kaslr-seed": true}

// linuxView renders what Linux reads from the nodes at paths: every property but phandle, with phandle
// references (interrupt-parent, clocks) shown as the path they name, since the numbers differ.
func linuxView(t *testing.T, tr *fdt.Tree, paths []string) map[string]string {
	t.Helper()
	byPhandle := map[uint32]string{}
	for _, path := range nodePaths(tr) {
		if p := tr.Lookup(path).Prop("phandle"); p != nil {
			ph, err := p.U32()
			require.NoError(t, err)
			byPhandle[ph] = path
		}
	}
	view := map[string]string{}
	for _, path := range paths {
		n := tr.Lookup(path)
		require.NotNil(t, n, "QEMU's tree has no %s", path)
		for _, p := range n.Props {
			key := strings.TrimSuffix(path, "/") + "/" + p.Name
			if p.Name == "phandle" || qemuOnly[key] {
				continue
			}
			val := fmt.Sprintf("%x", p.Value)
			if p.Name == "interrupt-parent" || p.Name == "clocks" {
				cells, err := p.U32s()
				require.NoError(t, err)
				var refs []string
				for _, c := range cells {
					refs = append(refs, byPhandle[c])
				}
				val = strings.Join(refs, " ")
			}
			view[key] = val
		}
	}
	return view
}

// nodePaths lists every node of a tree.
func nodePaths(tr *fdt.Tree) []string {
	var out []string
	var walk func(n *fdt.Node, path string)
	walk = func(n *fdt.Node, path string) {
		out = append(out, path)
		for _, c := range n.Children {
			walk(c, strings.TrimSuffix(path, "/")+"/"+c.Name)
		}
	}
	walk(tr.Root, "/")
	return out
}

// TestBoardMatchesQEMU: for the nodes we write, QEMU 7.2's virt board writes the same properties with the same
// values (phandles aside) for the same CPUs, RAM, GIC, initrd and command line; the initrd lands at the same
// address. QEMU's blob also goes through our decoder.
func TestBoardMatchesQEMU(t *testing.T) {
	kernel := fakeImage(0, 0x36_0000, linuxFlags, 0x1_0000)
	for _, c := range qemuCases {
		t.Run(c.String(), func(t *testing.T) {
			var initrd []byte
			if c.initrd > 0 {
				initrd = bytes.Repeat([]byte{0x55}, c.initrd)
			}
			theirs, err := fdt.Decode(qemuDTB(t, c, kernel, initrd, nil))
			require.NoError(t, err, "our decoder reads QEMU's blob")
			p, err := Load(Config{Kernel: kernel, Initrd: initrd, Cmdline: c.cmdline, RAMBase: 0x4000_0000,
				RAMSize: c.memMiB << 20, CPUs: c.cpus, GIC: c.gic})
			require.NoError(t, err)
			ours, err := fdt.Decode(p.DTB.Data)
			require.NoError(t, err)
			paths := nodePaths(ours)
			require.Equal(t, linuxView(t, theirs, paths), linuxView(t, ours, paths))
		})
	}
}

// TestDTBOverrideMatchesQEMU: a --dtb file ends up as QEMU's -dtb leaves it (memory replaced, psci written,
// /chosen set, the rest kept), node for node and property for property.
func TestDTBOverrideMatchesQEMU(t *testing.T) {
	kernel := fakeImage(0, 0x36_0000, linuxFlags, 0x1_0000)
	oneCell := fdt.NewTree()
	r := oneCell.Root
	r.SetU32("#address-cells", 1).SetU32("#size-cells", 1).SetString("model", "mine")
	r.AddChild("memory@80000000").SetString("device_type", "memory").SetU32("reg", 0x8000_0000, 0x1000)
	r.AddChild("memory").SetString("device_type", "memory")
	r.AddChild("chosen").SetString("bootargs", "old").SetString("stdout-path", "/uart@9000000")
	r.AddChild("uart@9000000").SetString("compatible", "arm,pl011").SetU32("reg", UARTBase, 0x1000)

	otherPSCI := fdt.NewTree()
	r = otherPSCI.Root
	r.SetU32("#address-cells", 2).SetU32("#size-cells", 2)
	r.AddChild("psci").SetString("compatible", "arm,psci-0.2").SetString("method", "smc")
	cpus := r.AddChild("cpus").SetU32("#address-cells", 1).SetU32("#size-cells", 0)
	cpus.AddChild("cpu@0").SetString("device_type", "cpu").SetU32("reg", 0)

	for name, tc := range map[string]struct {
		c    qemuCase
		tree *fdt.Tree
	}{
		"one-cell tree, initrd, append": {qemuCase{cpus: 1, memMiB: 128, gic: 2, initrd: 3<<20 + 123, cmdline: "console=ttyAMA0"}, oneCell},
		"smc psci, no chosen":           {qemuCase{cpus: 2, memMiB: 256, gic: 2}, otherPSCI},
	} {
		t.Run(name, func(t *testing.T) {
			user, err := tc.tree.Encode()
			require.NoError(t, err)
			var initrd []byte
			if tc.c.initrd > 0 {
				initrd = bytes.Repeat([]byte{0x55}, tc.c.initrd)
			}
			theirs, err := fdt.Decode(qemuDTB(t, tc.c, kernel, initrd, user))
			require.NoError(t, err)
			p, err := Load(Config{Kernel: kernel, Initrd: initrd, DTB: user, Cmdline: tc.c.cmdline,
				RAMBase: 0x4000_0000, RAMSize: tc.c.memMiB << 20, CPUs: tc.c.cpus, GIC: tc.c.gic})
			require.NoError(t, err)
			ours, err := fdt.Decode(p.DTB.Data)
			require.NoError(t, err)
			require.ElementsMatch(t, nodePaths(theirs), nodePaths(ours))
			paths := nodePaths(ours)
			require.Equal(t, linuxView(t, theirs, paths), linuxView(t, ours, paths))
		})
	}
}

// TestRealLinuxBootsOnQEMUWithOurTree boots the kernels `make linux` builds on QEMU with our board tree
// (-dtb: QEMU then rewrites only memory, psci and /chosen, so the GIC, timer, UART, clock and CPU nodes are
// ours) and checks that Linux finds every device it needs, up to the panic for the missing init.
func TestRealLinuxBootsOnQEMUWithOurTree(t *testing.T) {
	for _, k := range []struct {
		image string
		gic   int
		want  []string
	}{
		{"Image", 2, []string{"Root IRQ handler: gic_handle_irq"}},
		{"Image-6.12", 3, []string{"GICv3: CPU1: found redistributor 1 region 0:0x00000000080c0000"}},
	} {
		t.Run(k.image, func(t *testing.T) {
			path := filepath.Join("..", "..", "kernelsim", "linux", "out", k.image)
			kernel, err := os.ReadFile(path)
			if os.IsNotExist(err) {
				t.Fatalf("%s is not built: run make linux", path)
			}
			require.NoError(t, err)
			p, err := Load(Config{Kernel: kernel, Cmdline: "console=ttyAMA0 panic=-1", RAMBase: 0x4000_0000,
				RAMSize: 512 << 20, CPUs: 2, GIC: k.gic})
			require.NoError(t, err)
			qemu, err := exec.LookPath("qemu-system-aarch64")
			require.NoError(t, err, "qemu-system-aarch64 is not installed: run `make deps`")
			dtb := filepath.Join(t.TempDir(), "board.dtb")
			require.NoError(t, os.WriteFile(dtb, p.DTB.Data, 0o644))
			cmd := exec.Command(qemu, "-M", fmt.Sprintf("virt,gic-version=%d", k.gic), "-cpu", "cortex-a57",
				"-smp", "2", "-m", "512M", "-nographic", "-no-reboot", "-kernel", path, "-dtb", dtb,
				"-append", "console=ttyAMA0 panic=-1")
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			require.NoError(t, cmd.Start())
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case <-done:
			case <-time.After(60 * time.Second):
				cmd.Process.Kill()
				<-done
				t.Fatalf("Linux did not reach its panic in 60 s:\n%s", out.String())
			}
			console := out.String()
			for _, line := range append(k.want, "Machine model: linux,dummy-virt", "arch_timer: cp15 timer(s) running",
				"SMP: Total of 2 processors activated", "9000000.pl011: ttyAMA0 at MMIO 0x9000000",
				"No working init found") {
				require.Contains(t, console, line)
			}
		})
	}
}
