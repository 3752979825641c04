package boot

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/hwbp-gdbstub/hwbp-gdbstub/target/fdt"
)

const ramBase = 0x4000_0000

func config(memMiB uint64, initrd int) Config {
	c := Config{Kernel: fakeImage(0, 0x36_0000, linuxFlags, 0x1_0000), RAMBase: ramBase, RAMSize: memMiB << 20,
		CPUs: 2, GIC: 2, Cmdline: "console=ttyAMA0 rdinit=/init"}
	if initrd > 0 {
		c.Initrd = bytes.Repeat([]byte{0x55}, initrd)
	}
	return c
}

// TestLoadPlacesLikeQEMU: PC and x0 as QEMU 7.2's monitor showed them at the kernel's first instruction
// (`info registers`) for the fake Image of these tests, and the initrd where its /chosen says.
func TestLoadPlacesLikeQEMU(t *testing.T) {
	tests := []struct {
		name             string
		cfg              Config
		pc, dtb          uint64
		initrdAt, rdSize uint64
	}{
		{"512M, no initrd", config(512, 0), 0x4020_0000, 0x4800_0000, 0, 0},
		{"512M, 3 MiB+123 initrd", config(512, 3<<20+123), 0x4020_0000, 0x4840_0000, 0x4800_0000, 3<<20 + 123},
		{"128M, no initrd", config(128, 0), 0x4020_0000, 0x4400_0000, 0, 0},
		{"128M, 3 MiB+123 initrd", config(128, 3<<20+123), 0x4020_0000, 0x4440_0000, 0x4400_0000, 3<<20 + 123},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load(tc.cfg)
			require.NoError(t, err)
			require.Equal(t, Entry{PC: tc.pc, X: [4]uint64{tc.dtb}, PSTATE: PSTATEEntry}, p.Entry)
			require.Equal(t, Segment{Name: "kernel", Addr: tc.pc, Data: tc.cfg.Kernel, MemSize: 0x36_0000}, p.Kernel)
			require.Equal(t, tc.dtb, p.DTB.Addr)
			require.Equal(t, uint64(len(p.DTB.Data)), p.DTB.MemSize)
			chosen := decode(t, p.DTB.Data).Lookup("/chosen")
			if tc.rdSize == 0 {
				require.Nil(t, p.Initrd.Data)
				require.Len(t, p.Segments(), 2)
				require.Nil(t, chosen.Prop("linux,initrd-start"))
				return
			}
			require.Equal(t, Segment{Name: "initrd", Addr: tc.initrdAt, Data: tc.cfg.Initrd, MemSize: tc.rdSize}, p.Initrd)
			require.Equal(t, []Segment{p.Kernel, p.Initrd, p.DTB}, p.Segments())
			start, err := chosen.Prop("linux,initrd-start").Uint()
			require.NoError(t, err)
			end, err := chosen.Prop("linux,initrd-end").Uint()
			require.NoError(t, err)
			require.Equal(t, [2]uint64{tc.initrdAt, tc.initrdAt + tc.rdSize}, [2]uint64{start, end})
		})
	}
}

func TestLoadPlacement(t *testing.T) {
	// A text_offset of 4 KiB or more is honoured from the RAM base, as QEMU does (its boot stub fits below).
	c := config(128, 0)
	c.Kernel = fakeImage(0x8_0000, 0x10_0000, linuxFlags, 4096)
	p, err := Load(c)
	require.NoError(t, err)
	require.Equal(t, uint64(ramBase+0x8_0000), p.Entry.PC)

	// A kernel that reaches past the initrd's usual place pushes the initrd (and the tree) up.
	c = config(128, 4096)
	c.Kernel = fakeImage(0, 80<<20, linuxFlags, 4096)
	p, err = Load(c)
	require.NoError(t, err)
	require.Equal(t, uint64(ramBase+2<<20+80<<20), p.Initrd.Addr)
	require.Equal(t, uint64(ramBase+84<<20), p.DTB.Addr)
	require.Zero(t, p.DTB.Addr%(2<<20))

	// An empty initrd is no initrd, as on QEMU.
	c = config(128, 0)
	c.Initrd = []byte{}
	p, err = Load(c)
	require.NoError(t, err)
	require.Nil(t, p.Initrd.Data)
	require.Equal(t, uint64(0x4400_0000), p.DTB.Addr)
	require.Nil(t, decode(t, p.DTB.Data).Lookup("/chosen").Prop("linux,initrd-start"))
}

func TestLoadRejects(t *testing.T) {
	with := func(c Config, f func(*Config)) Config { f(&c); return c }
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"truncated Image", with(config(128, 0), func(c *Config) { c.Kernel = c.Kernel[:40] }), "truncated: 40 bytes"},
		{"initrd too big", config(128, 70<<20), "initrd of 73400320 bytes does not fit in RAM of 134217728 bytes (it goes at 0x44000000"},
		{"kernel too big", with(config(64, 0), func(c *Config) { c.Kernel = fakeImage(0, 63<<20, linuxFlags, 4096) }),
			"kernel of 66060288 bytes (image_size, BSS included) at 0x40200000 does not fit in RAM of 67108864 bytes"},
		{"no room for the tree", with(config(128, 0), func(c *Config) { c.Initrd = make([]byte, 64<<20) }),
			"device tree of"},
		{"misaligned RAM", with(config(128, 0), func(c *Config) { c.RAMBase = ramBase + 4096 }), "2 MiB-aligned base"},
		{"no RAM", with(config(128, 0), func(c *Config) { c.RAMSize = 0 }), "non-empty range"},
		{"DTB that does not parse", with(config(128, 0), func(c *Config) { c.DTB = []byte("not a tree") }),
			"boot: --dtb: fdt: invalid device tree blob: 10 bytes, shorter than the 40-byte header"},
		{"GICv2 with 9 CPUs", with(config(128, 0), func(c *Config) { c.CPUs = 9 }), "a GICv2 serves at most 8"},
		{"GIC version 4", with(config(128, 0), func(c *Config) { c.GIC = 4 }), "GIC version 4: want 2 or 3"},
		{"no CPU", with(config(128, 0), func(c *Config) { c.CPUs = 0 }), "0 CPUs"},
		{"affinity with Aff3", with(config(128, 0), func(c *Config) { c.Affinity = func(i int) uint64 { return uint64(i) << 32 } }),
			"CPU 1 affinity 0x100000000 needs Aff3"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Load(tc.cfg)
			require.ErrorContains(t, err, tc.want)
			require.Nil(t, p)
		})
	}
}

// A --dtb file is checked, and patched as QEMU patches one: its memory nodes give way to ours, /chosen gets
// the command line and the initrd, the rest stays.
func TestLoadDTBOverride(t *testing.T) {
	user := fdt.NewTree()
	user.Root.SetU32("#address-cells", 1).SetU32("#size-cells", 1).SetString("model", "mine")
	user.Root.AddChild("memory@80000000").SetString("device_type", "memory").SetU32("reg", 0x8000_0000, 0x1000)
	user.Root.AddChild("memory").SetString("device_type", "memory")
	user.Root.AddChild("uart@9000000").SetString("compatible", "arm,pl011")
	blob, err := user.Encode()
	require.NoError(t, err)

	c := config(128, 4096)
	c.DTB = blob
	p, err := Load(c)
	require.NoError(t, err)
	got := decode(t, p.DTB.Data)
	require.Nil(t, got.Lookup("/memory@80000000"))
	require.Nil(t, got.Lookup("/memory"))
	require.Equal(t, []byte{0x40, 0, 0, 0, 0x08, 0, 0, 0}, got.Lookup("/memory@40000000").Prop("reg").Value)
	require.NotNil(t, got.Lookup("/uart@9000000"))
	args, err := got.Lookup("/chosen").Prop("bootargs").Text()
	require.NoError(t, err)
	require.Equal(t, c.Cmdline, args)
	start, err := got.Lookup("/chosen").Prop("linux,initrd-start").Uint()
	require.NoError(t, err)
	require.Equal(t, p.Initrd.Addr, start)
	model, err := got.Root.Prop("model").Text()
	require.NoError(t, err)
	require.Equal(t, "mine", model)

	// RAM beyond what one cell can say is refused.
	c.RAMBase, c.RAMSize = 0x1_0000_0000, 128<<20
	_, err = Load(c)
	require.ErrorContains(t, err, "memory node: 0x100000000 does not fit in one cell")
}

func decode(t *testing.T, blob []byte) *fdt.Tree {
	t.Helper()
	tr, err := fdt.Decode(blob)
	require.NoError(t, err)
	return tr
}

// TestBoardGolden: the tree for typical boards, as dtc decompiles it (GOLDEN_UPDATE=1 rewrites the files).
func TestBoardGolden(t *testing.T) {
	tests := []struct {
		file  string
		board Board
	}{
		{"virt-gicv2-smp2-512M.dts", Board{CPUs: 2, RAMBase: ramBase, RAMSize: 512 << 20, GIC: 2,
			Bootargs: "console=ttyAMA0 rdinit=/init", InitrdStart: 0x4800_0000, InitrdEnd: 0x4830_007b}},
		{"virt-gicv3-smp4-1G.dts", Board{CPUs: 4, RAMBase: ramBase, RAMSize: 1 << 30, GIC: 3}},
	}
	dtc, err := exec.LookPath("dtc")
	require.NoError(t, err, "dtc is not installed: run `make deps`")
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			blob, err := tc.board.DTB()
			require.NoError(t, err)
			cmd := exec.Command(dtc, "-q", "-I", "dtb", "-O", "dts", "-")
			cmd.Stdin = bytes.NewReader(blob)
			out, err := cmd.Output()
			require.NoError(t, err)
			golden := filepath.Join("testdata", tc.file)
			if os.Getenv("GOLDEN_UPDATE") != "" {
				require.NoError(t, os.WriteFile(golden, out, 0o644))
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err)
			require.Equal(t, string(want), string(out))
		})
	}
}

func TestBoardRejects(t *testing.T) {
	ok := Board{CPUs: 1, RAMBase: ramBase, RAMSize: 1 << 20, GIC: 3}
	with := func(f func(*Board)) Board { b := ok; f(&b); return b }
	require.NoError(t, ok.Check())
	for name, tc := range map[string]struct {
		b    Board
		want string
	}{
		"too many CPUs for GICv3": {with(func(b *Board) { b.CPUs = 124 }), "holds at most 123"},
		"RAM wraps":               {with(func(b *Board) { b.RAMBase = ^uint64(0) }), "empty or wraps"},
		"initrd end below start":  {with(func(b *Board) { b.InitrdStart = 2 }), "initrd end 0x0 below its start 0x2"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := tc.b.DTB()
			require.ErrorContains(t, err, tc.want)
		})
	}
}

// FuzzLoadDTB feeds arbitrary --dtb blobs (and Image bytes) to Load: an error or a plan whose tree decodes.
func FuzzLoadDTB(f *testing.F) {
	blob, err := Board{CPUs: 2, RAMBase: ramBase, RAMSize: 128 << 20, GIC: 2}.DTB()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(blob, fakeImage(0, 0x36_0000, linuxFlags, 64))
	f.Add([]byte{0xd0, 0x0d, 0xfe, 0xed}, []byte("ARM\x64"))
	f.Fuzz(func(t *testing.T, dtb, kernel []byte) {
		c := config(128, 4096)
		c.DTB, c.Kernel = dtb, kernel
		p, err := Load(c)
		if err != nil {
			require.Nil(t, p)
			return
		}
		got := decode(t, p.DTB.Data)
		require.NotNil(t, got.Lookup("/memory@40000000"))
		require.NotNil(t, got.Lookup("/chosen"))
		require.LessOrEqual(t, p.DTB.Addr+p.DTB.MemSize, uint64(ramBase+128<<20))
	})
}
