package mmu

// Regs holds the architectural values of the system registers that steer
// stage-1 translation of the EL1&0 regime. The executor copies them from the
// CPU after every MSR to one of them and hands them to MMU.SetRegs.
type Regs struct {
	SCTLR uint64 // SCTLR_EL1: M, A, WXN, EE are used
	TCR   uint64 // TCR_EL1
	TTBR0 uint64 // TTBR0_EL1: BADDR and ASID
	TTBR1 uint64 // TTBR1_EL1: BADDR and ASID
	MAIR  uint64 // MAIR_EL1
}

// Config is what the CPU model implements, as its ID registers advertise it.
type Config struct {
	// PARange is ID_AA64MMFR0_EL1.PARange (0 = 32 bits … 5 = 48 bits). Values
	// above 5 are treated as 5: this model has no 52-bit physical addresses.
	PARange uint8
	// ASID16 is true when ID_AA64MMFR0_EL1.ASIDBits says 16-bit ASIDs; only
	// then does TCR_EL1.AS select them.
	ASID16 bool
	// Gran16 and Gran64 say that ID_AA64MMFR0_EL1 advertises the 16 KiB or
	// 64 KiB granule (TGran16 ≠ 0, TGran64 ≠ 0xF); a TG selecting a granule
	// that is not advertised walks with 4 KiB (see decodeHalf).
	Gran16, Gran64 bool
}

// ConfigFromMMFR0 reads a Config from an ID_AA64MMFR0_EL1 value.
func ConfigFromMMFR0(mmfr0 uint64) Config {
	return Config{
		PARange: uint8(mmfr0 & 0xf),
		ASID16:  mmfr0>>4&0xf == 2,
		Gran16:  mmfr0>>20&0xf != 0,
		Gran64:  mmfr0>>24&0xf != 0xf,
	}
}

// paSizes maps a PARange / TCR_EL1.IPS encoding to a number of address bits.
var paSizes = [8]uint8{32, 36, 40, 42, 44, 48, 48, 48}

// Register fields used below (Arm ARM D19, "SCTLR_EL1", "TCR_EL1").
const (
	sctlrM   = 1 << 0
	sctlrA   = 1 << 1
	sctlrI   = 1 << 12
	sctlrWXN = 1 << 19
	sctlrEE  = 1 << 25

	tcrEPD0 = 1 << 7
	tcrA1   = 1 << 22
	tcrEPD1 = 1 << 23
	tcrAS   = 1 << 36
	tcrTBI0 = 1 << 37
	tcrTBI1 = 1 << 38

	minTxSZ = 16 // 48-bit VAs; no FEAT_LVA
	maxTxSZ = 39 // 25-bit VAs; no FEAT_TTST

	pageShift = 12
	pageMask  = 1<<pageShift - 1
	oaMask    = (1<<48 - 1) &^ pageMask // descriptor output address bits [47:12]
)

// half is the decoded state of one VA range: TTBR0 (lower) or TTBR1 (upper).
type half struct {
	gran      uint8  // log2 of the granule: 12, 14 or 16
	base      uint64 // physical address of the start-level table
	inputBits uint8  // 64 - TxSZ
	start     uint8  // start level of the walk
	noWalk    bool   // a walk faults at level 0: EPDx = 1, or TxSZ out of range
	baseBad   bool   // BADDR beyond the output address size: address size fault at level 0
	tbi       bool   // top byte ignored
}

// Context is the decoded translation state of one CPU: what SCTLR_EL1,
// TCR_EL1, TTBR0/1_EL1 and MAIR_EL1 mean for a walk. It is a value; Load
// replaces it whole.
type Context struct {
	regs     Regs
	cfg      Config
	on       bool  // SCTLR_EL1.M
	align    bool  // SCTLR_EL1.A
	wxn      bool  // SCTLR_EL1.WXN
	ee       bool  // SCTLR_EL1.EE: descriptors are big-endian
	fetchI   bool  // SCTLR_EL1.I (attributes of fetches with the MMU off)
	paBits   uint8 // output address size: min(IPS, PARange)
	paMax    uint8 // implemented physical address size (PARange)
	asid     uint16
	asidMask uint16
	half     [2]half
	mair     [8]uint8
}

// Load decodes regs for a CPU with the features cfg.
func (c *Context) Load(cfg Config, r Regs) {
	*c = Context{regs: r, cfg: cfg}
	c.on = r.SCTLR&sctlrM != 0
	c.align = r.SCTLR&sctlrA != 0
	c.wxn = r.SCTLR&sctlrWXN != 0
	c.ee = r.SCTLR&sctlrEE != 0
	c.fetchI = r.SCTLR&sctlrI != 0

	c.paMax = paSizes[min(cfg.PARange, 5)]
	// We choose: the reserved IPS encoding 0b111 means the implemented size,
	// and 0b110 (52 bits) is capped at 48 (no FEAT_LPA). An IPS larger than
	// PARange is treated as PARange, as the architecture requires.
	ips := uint8(r.TCR >> 32 & 7)
	c.paBits = c.paMax
	if ips != 7 {
		c.paBits = min(paSizes[ips], c.paMax)
	}

	c.asidMask = 0xff
	if cfg.ASID16 && r.TCR&tcrAS != 0 {
		c.asidMask = 0xffff
	}
	asidReg := r.TTBR0
	if r.TCR&tcrA1 != 0 {
		asidReg = r.TTBR1
	}
	c.asid = uint16(asidReg>>48) & c.asidMask

	// TG0: 00 4 KiB, 01 64 KiB, 10 16 KiB; TG1: 01 16 KiB, 10 4 KiB, 11 64 KiB.
	c.half[0] = c.decodeHalf(r.TTBR0, uint8(r.TCR&0x3f), c.granule(r.TCR>>14&3, [4]uint8{12, 16, 14, 0}),
		r.TCR&tcrEPD0 != 0, r.TCR&tcrTBI0 != 0)
	c.half[1] = c.decodeHalf(r.TTBR1, uint8(r.TCR>>16&0x3f), c.granule(r.TCR>>30&3, [4]uint8{0, 14, 12, 16}),
		r.TCR&tcrEPD1 != 0, r.TCR&tcrTBI1 != 0)

	for i := range c.mair {
		c.mair[i] = uint8(r.MAIR >> (8 * i))
	}
}

// granule decodes a TG field through its encoding table (0: reserved) to a
// granule the CPU implements. We choose: a reserved encoding, or a size the
// CPU does not advertise (Config.Gran16/Gran64), means 4 KiB; the
// architecture requires one of the implemented sizes.
func (c *Context) granule(tg uint64, sizes [4]uint8) uint8 {
	switch g := sizes[tg]; {
	case g == 14 && c.cfg.Gran16, g == 16 && c.cfg.Gran64:
		return g
	}
	return pageShift
}

// decodeHalf decodes one TTBR with its TCR fields, for a granule of 2^gran
// bytes.
func (c *Context) decodeHalf(ttbr uint64, txsz, gran uint8, noWalk, tbi bool) half {
	h := half{gran: gran, tbi: tbi}
	// We choose (as QEMU): a TxSZ outside [16, 39] makes every walk of that
	// half a translation fault at level 0 (the other permitted choice is to
	// clamp it).
	if noWalk || txsz < minTxSZ || txsz > maxTxSZ {
		h.noWalk = true
		return h
	}
	h.inputBits = 64 - txsz
	// Each level resolves gran-3 bits below the page offset; the walk starts
	// as high as the input size needs (4 KiB: 40–48 bits level 0, 31–39
	// level 1, 25–30 level 2; 64 KiB: 43–48 level 1, 30–42 level 2, 25–29
	// level 3).
	// levels = ceil((inputBits - gran) / (gran - 3)).
	h.start = 4 - (h.inputBits-4)/(gran-3)
	// The start-level table holds 2^idxBits descriptors and is aligned to
	// its size, at least 64 bytes. We choose: BADDR bits below that alignment
	// (RES0) are treated as zero, and CnP (bit 0) is ignored.
	idxBits := h.inputBits - h.shift(h.start)
	align := max(3+idxBits, 6)
	h.base = ttbr & (1<<48 - 1) &^ (1<<align - 1)
	h.baseBad = h.base>>c.paBits != 0
	return h
}

// shift is log2 of the size of the region one descriptor at level maps.
func (h *half) shift(level uint8) uint8 { return h.gran + (h.gran-3)*(3-level) }

// On reports SCTLR_EL1.M: stage-1 translation is enabled.
func (c *Context) On() bool { return c.on }

// StrictAlign reports SCTLR_EL1.A: every unaligned data access faults, even
// to Normal memory.
func (c *Context) StrictAlign() bool { return c.align }

// ASID is the current ASID (from TTBR0 or TTBR1 by TCR_EL1.A1, 8 or 16 bits).
func (c *Context) ASID() uint16 { return c.asid }

// Regs returns the register values the context was decoded from.
func (c *Context) Regs() Regs { return c.regs }

// PABits is the output address size of walks: min(TCR_EL1.IPS, PARange).
func (c *Context) PABits() uint8 { return c.paBits }

// BranchAddr is the PC a branch to va sets (the pseudocode's
// AArch64.BranchAddr): with TBI for va's half, the tag is dropped and bits
// [63:56] become copies of bit 55. The executor applies it to every indirect
// branch, ERET and exception return address, so fetches (and the FAR of an
// instruction abort) never carry a tag. Data addresses keep theirs.
func (c *Context) BranchAddr(va uint64) uint64 {
	if c.half[va>>55&1].tbi {
		return uint64(int64(va<<8) >> 8)
	}
	return va
}

// key is the TLB key of va: its page with the top byte replaced by copies of
// bit 55 where TBI applies, and bit 0 set (a valid key is never zero).
func (c *Context) key(va uint64) uint64 { return c.BranchAddr(va)&^pageMask | 1 }
