package fp

// FPCR is the AArch64 FPCR register value. Only the fields the arithmetic
// reads are named; the trap-enable bits are ignored (traps are not
// implemented, as on Cortex-A57).
type FPCR uint32

const (
	FZ16 FPCR = 1 << 19 // flush half-precision subnormals to zero (FEAT_FP16 arithmetic only)
	FZ   FPCR = 1 << 24 // flush single- and double-precision subnormals to zero
	DN   FPCR = 1 << 25 // NaN results are the default NaN
	AHP  FPCR = 1 << 26 // FCVT to and from half uses the alternative format (no Inf or NaN)

	rmodeShift = 22
	rmodeMask  = FPCR(3) << rmodeShift
)

// RMode is the rounding mode FPCR.RMode selects.
func (c FPCR) RMode() Rounding { return Rounding(c >> rmodeShift & 3) }

// WithRMode returns c with its RMode field set to r (one of the four FPCR modes).
func (c FPCR) WithRMode(r Rounding) FPCR {
	return c&^rmodeMask | FPCR(r&3)<<rmodeShift
}

// Rounding is a rounding direction. The first four are the FPCR.RMode
// encodings; TiesAway and Odd exist only as fixed modes of some instructions.
type Rounding uint8

const (
	TiesEven Rounding = 0 // RN: to nearest, ties to even
	PlusInf  Rounding = 1 // RP: towards +Inf
	MinusInf Rounding = 2 // RM: towards -Inf
	Zero     Rounding = 3 // RZ: towards zero
	TiesAway Rounding = 4 // to nearest, ties away from zero (FRINTA, FCVTA*)
	Odd      Rounding = 5 // round to odd (FCVTXN)
)

// Flags are FPSR cumulative exception bits, at their FPSR positions, so
// fpsr |= uint64(flags) accumulates them.
type Flags uint32

const (
	IOC Flags = 1 << 0 // invalid operation
	DZC Flags = 1 << 1 // divide by zero
	OFC Flags = 1 << 2 // overflow
	UFC Flags = 1 << 3 // underflow
	IXC Flags = 1 << 4 // inexact
	IDC Flags = 1 << 7 // input denormal (flushed to zero by FZ)
)

// Format is an IEEE binary interchange format; its value is its width in bits.
type Format uint8

const (
	Half   Format = 16
	Single Format = 32
	Double Format = 64
)

func (f Format) fracBits() int {
	switch f {
	case Half:
		return 10
	case Single:
		return 23
	}
	return 52
}

func (f Format) expBits() int {
	switch f {
	case Half:
		return 5
	case Single:
		return 8
	}
	return 11
}

func (f Format) bias() int        { return 1<<(f.expBits()-1) - 1 }
func (f Format) minExp() int      { return 1 - f.bias() } // exponent of the smallest normal
func (f Format) mask() uint64     { return 1<<f.Bits() - 1 }
func (f Format) Bits() uint       { return uint(f) }
func (f Format) signBit() uint64  { return 1 << (f.Bits() - 1) }
func (f Format) quietBit() uint64 { return 1 << (f.fracBits() - 1) }
func (f Format) fracMask() uint64 { return 1<<f.fracBits() - 1 }
func (f Format) expField() uint64 { return uint64(1)<<f.expBits() - 1 }

func (f Format) sign(neg bool) uint64 {
	if neg {
		return f.signBit()
	}
	return 0
}

func (f Format) zero(neg bool) uint64 { return f.sign(neg) }
func (f Format) inf(neg bool) uint64  { return f.sign(neg) | f.expField()<<f.fracBits() }
func (f Format) maxNormal(neg bool) uint64 {
	return f.sign(neg) | (f.expField()-1)<<f.fracBits() | f.fracMask()
}

// DefaultNaN is the NaN FPCR.DN selects: positive, quiet, zero payload
// (0x7E00, 0x7FC00000, 0x7FF8000000000000).
func (f Format) DefaultNaN() uint64 { return f.inf(false) | f.quietBit() }

// Neg flips the sign bit (FNEG); NaNs included, no flags.
func Neg(f Format, a uint64) uint64 { return (a ^ f.signBit()) & f.mask() }

// Abs clears the sign bit (FABS); NaNs included, no flags.
func Abs(f Format, a uint64) uint64 { return a &^ f.signBit() & f.mask() }

// String lists the flags by their FPSR names, e.g. "IOC|IXC" ("-" for none).
func (fl Flags) String() string {
	names := [...]struct {
		bit  Flags
		name string
	}{{IOC, "IOC"}, {DZC, "DZC"}, {OFC, "OFC"}, {UFC, "UFC"}, {IXC, "IXC"}, {IDC, "IDC"}}
	s := ""
	for _, n := range names {
		if fl&n.bit != 0 {
			if s != "" {
				s += "|"
			}
			s += n.name
		}
	}
	if s == "" {
		return "-"
	}
	return s
}

// ExpandImm is VFPExpandImm, the value of FMOV's 8-bit immediate in f:
// sign imm8<7>, exponent NOT(imm8<6>) then imm8<6> repeated then
// imm8<5:4>, fraction imm8<3:0> then zeros. For example 0x70 is 1.0.
func ExpandImm(f Format, imm8 uint8) uint64 {
	e, b6 := f.expBits(), uint64(imm8>>6&1)
	exp := (b6^1)<<(e-1) | (b6*(1<<(e-3)-1))<<2 | uint64(imm8>>4&3)
	return f.sign(imm8&0x80 != 0) | exp<<f.fracBits() | uint64(imm8&15)<<(f.fracBits()-4)
}
