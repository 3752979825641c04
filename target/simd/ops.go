package simd

// Op is what an instruction does. Ops are named by the Arm mnemonic of the
// canonical (not alias) form; one op covers its scalar and vector forms, which
// Inst.Arr tells apart. FCVTS/FCVTU are FCVT[NPMZA]S/U (Inst.Round says which),
// FRINT is FRINT[NPMZAXI]. An op ending in Z compares against zero.
type Op uint16

const (
	OpUndefined Op = iota
	OpLDR
	OpSTR
	OpLDP
	OpSTP
	OpLDNP
	OpSTNP
	OpLD1
	OpLD2
	OpLD3
	OpLD4
	OpST1
	OpST2
	OpST3
	OpST4
	OpLD1Lane
	OpLD2Lane
	OpLD3Lane
	OpLD4Lane
	OpST1Lane
	OpST2Lane
	OpST3Lane
	OpST4Lane
	OpLD1R
	OpLD2R
	OpLD3R
	OpLD4R
	OpMOVI
	OpMVNI
	OpORRImm
	OpBICImm
	OpFMOVImm
	OpDUPElem
	OpDUPGen
	OpINSElem
	OpINSGen
	OpUMOV
	OpSMOV
	OpADD
	OpSUB
	OpMUL
	OpMLA
	OpMLS
	OpABS
	OpNEG
	OpSQADD
	OpSUQADD
	OpUSQADD
	OpSQABS
	OpSQNEG
	OpUQADD
	OpSQSUB
	OpUQSUB
	OpSHADD
	OpUHADD
	OpSRHADD
	OpURHADD
	OpSHSUB
	OpUHSUB
	OpSADDL
	OpUADDL
	OpSSUBL
	OpUSUBL
	OpSADDW
	OpUADDW
	OpSSUBW
	OpUSUBW
	OpADDHN
	OpSUBHN
	OpRADDHN
	OpRSUBHN
	OpSABAL
	OpUABAL
	OpSABDL
	OpUABDL
	OpSMLAL
	OpUMLAL
	OpSMLSL
	OpUMLSL
	OpSMULL
	OpSQDMULH
	OpSQRDMULH
	OpSQDMULL
	OpSQDMLAL
	OpSQDMLSL
	OpPMUL
	OpPMULL
	OpUMULL
	OpADDP
	OpSABD
	OpUABD
	OpSABA
	OpUABA
	OpSMAX
	OpUMAX
	OpSMIN
	OpUMIN
	OpSMAXP
	OpUMAXP
	OpSMINP
	OpUMINP
	OpSADDLP
	OpUADDLP
	OpSADALP
	OpUADALP
	OpAND
	OpORR
	OpORN
	OpEOR
	OpBIC
	OpBSL
	OpBIT
	OpBIF
	OpNOT
	OpCNT
	OpCLZ
	OpCLS
	OpRBIT
	OpREV16
	OpREV32
	OpREV64
	OpCMEQ
	OpCMGE
	OpCMGT
	OpCMHI
	OpCMHS
	OpCMTST
	OpCMEQZ
	OpCMGEZ
	OpCMGTZ
	OpCMLEZ
	OpCMLTZ
	OpSSHR
	OpUSHR
	OpSSRA
	OpUSRA
	OpSRSHR
	OpURSHR
	OpSRSRA
	OpURSRA
	OpSHL
	OpSLI
	OpSRI
	OpSQSHLImm
	OpUQSHLImm
	OpSQSHLUImm
	OpSSHL
	OpUSHL
	OpSRSHL
	OpURSHL
	OpSQSHL
	OpUQSHL
	OpSQRSHL
	OpUQRSHL
	OpSHRN
	OpRSHRN
	OpSQSHRN
	OpUQSHRN
	OpSQRSHRN
	OpUQRSHRN
	OpSQSHRUN
	OpSQRSHRUN
	OpSSHLL
	OpUSHLL
	OpSHLL
	OpXTN
	OpSQXTN
	OpUQXTN
	OpSQXTUN
	OpADDV
	OpSMAXV
	OpUMAXV
	OpSMINV
	OpUMINV
	OpSADDLV
	OpUADDLV
	OpFMAXV
	OpFMINV
	OpFMAXNMV
	OpFMINNMV
	OpZIP1
	OpZIP2
	OpUZP1
	OpUZP2
	OpTRN1
	OpTRN2
	OpEXT
	OpTBL
	OpTBX
	OpFMOV
	OpFMOVToGen
	OpFMOVFromGen
	OpFMOVToGenHigh
	OpFMOVFromGenHigh
	OpFADD
	OpFSUB
	OpFMUL
	OpFNMUL
	OpFDIV
	OpFMULX
	OpFSQRT
	OpFABS
	OpFNEG
	OpFABD
	OpFMADD
	OpFMSUB
	OpFNMADD
	OpFNMSUB
	OpFMLA
	OpFMLS
	OpFMAX
	OpFMIN
	OpFMAXNM
	OpFMINNM
	OpFMAXP
	OpFMINP
	OpFMAXNMP
	OpFMINNMP
	OpFADDP
	OpFCMP
	OpFCMPE
	OpFCMPZ
	OpFCMPEZ
	OpFCCMP
	OpFCCMPE
	OpFCSEL
	OpFCMEQ
	OpFCMGE
	OpFCMGT
	OpFACGE
	OpFACGT
	OpFCMEQZ
	OpFCMGEZ
	OpFCMGTZ
	OpFCMLEZ
	OpFCMLTZ
	OpFCVT
	OpFCVTL
	OpFCVTN
	OpFCVTXN
	OpFCVTS
	OpFCVTU
	OpFCVTZSFixed
	OpFCVTZUFixed
	OpSCVTF
	OpUCVTF
	OpSCVTFFixed
	OpUCVTFFixed
	OpFRINT
	OpFRECPE
	OpFRSQRTE
	OpFRECPS
	OpFRSQRTS
	OpFRECPX
	OpURECPE
	OpURSQRTE
	opCount
)

var opNames = [opCount]string{
	OpUndefined:       "undefined",
	OpLDR:             "LDR",
	OpSTR:             "STR",
	OpLDP:             "LDP",
	OpSTP:             "STP",
	OpLDNP:            "LDNP",
	OpSTNP:            "STNP",
	OpLD1:             "LD1",
	OpLD2:             "LD2",
	OpLD3:             "LD3",
	OpLD4:             "LD4",
	OpST1:             "ST1",
	OpST2:             "ST2",
	OpST3:             "ST3",
	OpST4:             "ST4",
	OpLD1Lane:         "LD1Lane",
	OpLD2Lane:         "LD2Lane",
	OpLD3Lane:         "LD3Lane",
	OpLD4Lane:         "LD4Lane",
	OpST1Lane:         "ST1Lane",
	OpST2Lane:         "ST2Lane",
	OpST3Lane:         "ST3Lane",
	OpST4Lane:         "ST4Lane",
	OpLD1R:            "LD1R",
	OpLD2R:            "LD2R",
	OpLD3R:            "LD3R",
	OpLD4R:            "LD4R",
	OpMOVI:            "MOVI",
	OpMVNI:            "MVNI",
	OpORRImm:          "ORRImm",
	OpBICImm:          "BICImm",
	OpFMOVImm:         "FMOVImm",
	OpDUPElem:         "DUPElem",
	OpDUPGen:          "DUPGen",
	OpINSElem:         "INSElem",
	OpINSGen:          "INSGen",
	OpUMOV:            "UMOV",
	OpSMOV:            "SMOV",
	OpADD:             "ADD",
	OpSUB:             "SUB",
	OpMUL:             "MUL",
	OpMLA:             "MLA",
	OpMLS:             "MLS",
	OpABS:             "ABS",
	OpNEG:             "NEG",
	OpSQADD:           "SQADD",
	OpSUQADD:          "SUQADD",
	OpUSQADD:          "USQADD",
	OpSQABS:           "SQABS",
	OpSQNEG:           "SQNEG",
	OpUQADD:           "UQADD",
	OpSQSUB:           "SQSUB",
	OpUQSUB:           "UQSUB",
	OpSHADD:           "SHADD",
	OpUHADD:           "UHADD",
	OpSRHADD:          "SRHADD",
	OpURHADD:          "URHADD",
	OpSHSUB:           "SHSUB",
	OpUHSUB:           "UHSUB",
	OpSADDL:           "SADDL",
	OpUADDL:           "UADDL",
	OpSSUBL:           "SSUBL",
	OpUSUBL:           "USUBL",
	OpSADDW:           "SADDW",
	OpUADDW:           "UADDW",
	OpSSUBW:           "SSUBW",
	OpUSUBW:           "USUBW",
	OpADDHN:           "ADDHN",
	OpSUBHN:           "SUBHN",
	OpRADDHN:          "RADDHN",
	OpRSUBHN:          "RSUBHN",
	OpSABAL:           "SABAL",
	OpUABAL:           "UABAL",
	OpSABDL:           "SABDL",
	OpUABDL:           "UABDL",
	OpSMLAL:           "SMLAL",
	OpUMLAL:           "UMLAL",
	OpSMLSL:           "SMLSL",
	OpUMLSL:           "UMLSL",
	OpSMULL:           "SMULL",
	OpSQDMULH:         "SQDMULH",
	OpSQRDMULH:        "SQRDMULH",
	OpSQDMULL:         "SQDMULL",
	OpSQDMLAL:         "SQDMLAL",
	OpSQDMLSL:         "SQDMLSL",
	OpPMUL:            "PMUL",
	OpPMULL:           "PMULL",
	OpUMULL:           "UMULL",
	OpADDP:            "ADDP",
	OpSABD:            "SABD",
	OpUABD:            "UABD",
	OpSABA:            "SABA",
	OpUABA:            "UABA",
	OpSMAX:            "SMAX",
	OpUMAX:            "UMAX",
	OpSMIN:            "SMIN",
	OpUMIN:            "UMIN",
	OpSMAXP:           "SMAXP",
	OpUMAXP:           "UMAXP",
	OpSMINP:           "SMINP",
	OpUMINP:           "UMINP",
	OpSADDLP:          "SADDLP",
	OpUADDLP:          "UADDLP",
	OpSADALP:          "SADALP",
	OpUADALP:          "UADALP",
	OpAND:             "AND",
	OpORR:             "ORR",
	OpORN:             "ORN",
	OpEOR:             "EOR",
	OpBIC:             "BIC",
	OpBSL:             "BSL",
	OpBIT:             "BIT",
	OpBIF:             "BIF",
	OpNOT:             "NOT",
	OpCNT:             "CNT",
	OpCLZ:             "CLZ",
	OpCLS:             "CLS",
	OpRBIT:            "RBIT",
	OpREV16:           "REV16",
	OpREV32:           "REV32",
	OpREV64:           "REV64",
	OpCMEQ:            "CMEQ",
	OpCMGE:            "CMGE",
	OpCMGT:            "CMGT",
	OpCMHI:            "CMHI",
	OpCMHS:            "CMHS",
	OpCMTST:           "CMTST",
	OpCMEQZ:           "CMEQZ",
	OpCMGEZ:           "CMGEZ",
	OpCMGTZ:           "CMGTZ",
	OpCMLEZ:           "CMLEZ",
	OpCMLTZ:           "CMLTZ",
	OpSSHR:            "SSHR",
	OpUSHR:            "USHR",
	OpSSRA:            "SSRA",
	OpUSRA:            "USRA",
	OpSRSHR:           "SRSHR",
	OpURSHR:           "URSHR",
	OpSRSRA:           "SRSRA",
	OpURSRA:           "URSRA",
	OpSHL:             "SHL",
	OpSLI:             "SLI",
	OpSRI:             "SRI",
	OpSQSHLImm:        "SQSHLImm",
	OpUQSHLImm:        "UQSHLImm",
	OpSQSHLUImm:       "SQSHLUImm",
	OpSSHL:            "SSHL",
	OpUSHL:            "USHL",
	OpSRSHL:           "SRSHL",
	OpURSHL:           "URSHL",
	OpSQSHL:           "SQSHL",
	OpUQSHL:           "UQSHL",
	OpSQRSHL:          "SQRSHL",
	OpUQRSHL:          "UQRSHL",
	OpSHRN:            "SHRN",
	OpRSHRN:           "RSHRN",
	OpSQSHRN:          "SQSHRN",
	OpUQSHRN:          "UQSHRN",
	OpSQRSHRN:         "SQRSHRN",
	OpUQRSHRN:         "UQRSHRN",
	OpSQSHRUN:         "SQSHRUN",
	OpSQRSHRUN:        "SQRSHRUN",
	OpSSHLL:           "SSHLL",
	OpUSHLL:           "USHLL",
	OpSHLL:            "SHLL",
	OpXTN:             "XTN",
	OpSQXTN:           "SQXTN",
	OpUQXTN:           "UQXTN",
	OpSQXTUN:          "SQXTUN",
	OpADDV:            "ADDV",
	OpSMAXV:           "SMAXV",
	OpUMAXV:           "UMAXV",
	OpSMINV:           "SMINV",
	OpUMINV:           "UMINV",
	OpSADDLV:          "SADDLV",
	OpUADDLV:          "UADDLV",
	OpFMAXV:           "FMAXV",
	OpFMINV:           "FMINV",
	OpFMAXNMV:         "FMAXNMV",
	OpFMINNMV:         "FMINNMV",
	OpZIP1:            "ZIP1",
	OpZIP2:            "ZIP2",
	OpUZP1:            "UZP1",
	OpUZP2:            "UZP2",
	OpTRN1:            "TRN1",
	OpTRN2:            "TRN2",
	OpEXT:             "EXT",
	OpTBL:             "TBL",
	OpTBX:             "TBX",
	OpFMOV:            "FMOV",
	OpFMOVToGen:       "FMOVToGen",
	OpFMOVFromGen:     "FMOVFromGen",
	OpFMOVToGenHigh:   "FMOVToGenHigh",
	OpFMOVFromGenHigh: "FMOVFromGenHigh",
	OpFADD:            "FADD",
	OpFSUB:            "FSUB",
	OpFMUL:            "FMUL",
	OpFNMUL:           "FNMUL",
	OpFDIV:            "FDIV",
	OpFMULX:           "FMULX",
	OpFSQRT:           "FSQRT",
	OpFABS:            "FABS",
	OpFNEG:            "FNEG",
	OpFABD:            "FABD",
	OpFMADD:           "FMADD",
	OpFMSUB:           "FMSUB",
	OpFNMADD:          "FNMADD",
	OpFNMSUB:          "FNMSUB",
	OpFMLA:            "FMLA",
	OpFMLS:            "FMLS",
	OpFMAX:            "FMAX",
	OpFMIN:            "FMIN",
	OpFMAXNM:          "FMAXNM",
	OpFMINNM:          "FMINNM",
	OpFMAXP:           "FMAXP",
	OpFMINP:           "FMINP",
	OpFMAXNMP:         "FMAXNMP",
	OpFMINNMP:         "FMINNMP",
	OpFADDP:           "FADDP",
	OpFCMP:            "FCMP",
	OpFCMPE:           "FCMPE",
	OpFCMPZ:           "FCMPZ",
	OpFCMPEZ:          "FCMPEZ",
	OpFCCMP:           "FCCMP",
	OpFCCMPE:          "FCCMPE",
	OpFCSEL:           "FCSEL",
	OpFCMEQ:           "FCMEQ",
	OpFCMGE:           "FCMGE",
	OpFCMGT:           "FCMGT",
	OpFACGE:           "FACGE",
	OpFACGT:           "FACGT",
	OpFCMEQZ:          "FCMEQZ",
	OpFCMGEZ:          "FCMGEZ",
	OpFCMGTZ:          "FCMGTZ",
	OpFCMLEZ:          "FCMLEZ",
	OpFCMLTZ:          "FCMLTZ",
	OpFCVT:            "FCVT",
	OpFCVTL:           "FCVTL",
	OpFCVTN:           "FCVTN",
	OpFCVTXN:          "FCVTXN",
	OpFCVTS:           "FCVTS",
	OpFCVTU:           "FCVTU",
	OpFCVTZSFixed:     "FCVTZSFixed",
	OpFCVTZUFixed:     "FCVTZUFixed",
	OpSCVTF:           "SCVTF",
	OpUCVTF:           "UCVTF",
	OpSCVTFFixed:      "SCVTFFixed",
	OpUCVTFFixed:      "UCVTFFixed",
	OpFRINT:           "FRINT",
	OpFRECPE:          "FRECPE",
	OpFRSQRTE:         "FRSQRTE",
	OpFRECPS:          "FRECPS",
	OpFRSQRTS:         "FRSQRTS",
	OpFRECPX:          "FRECPX",
	OpURECPE:          "URECPE",
	OpURSQRTE:         "URSQRTE",
}

func (o Op) String() string {
	if o >= opCount {
		return "Op(?)"
	}
	return opNames[o]
}
