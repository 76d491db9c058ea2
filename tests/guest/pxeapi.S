/* The PXE API through both entry conventions: GET_NIC_TYPE, GET_INFORMATION, GET_CACHED_INFO into the
 * caller's buffer (whole, truncated, and "give me your pointer"), FILE_CMDLINE, an unknown opcode, and
 * the registers a PXE call must preserve. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    ACKBUF, 0x1000
        .equ    SMALLBUF, 0x2000
        .equ    CMDBUF, 0x3000

/* CLEAR: zero the 64-byte parameter block and point ES:DI at it. */
.macro CLEAR
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $32, %cx
        rep stosw
        movw    $PARAMS, %di
.endm
/* FILL addr, len, byte: fill guest memory so untouched bytes can be recognised. */
.macro FILL addr, len, byte
        pushw   %di
        movw    $\addr, %di
        movw    $\len, %cx
        movb    $\byte, %al
        rep stosb
        popw    %di
.endm

main:
        /* GET_NIC_TYPE (0012h), !PXE convention. */
        CLEAR
        movw    $0x0012, %bx
        call    pxe_call_s
        PHEX16  "nictype/s ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX8   " type=", PARAMS+2
        PHEX16  " ven=", PARAMS+3
        PHEX16  " dev=", PARAMS+5
        PHEX8   " class=", PARAMS+7
        PHEX16  " bdf=", PARAMS+0x0b
        call    nl
        /* The same through PXENV+ (BX, ES:DI; CF mirrors AX). */
        CLEAR
        movw    $0x0012, %bx
        call    pxe_call_v
        setc    %cl
        PHEX16  "nictype/v ax=", %ax
        PHEX8   " cf=", %cl
        PHEX16  " st=", PARAMS
        PHEX16  " ven=", PARAMS+3
        PHEX16  " dev=", PARAMS+5
        call    nl

        /* GET_INFORMATION (000Ch): MAC addresses. */
        CLEAR
        movw    $0x000c, %bx
        call    pxe_call_s
        PHEX16  "info ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX16  " int=", PARAMS+4
        PHEX16  " mtu=", PARAMS+6
        PHEX16  " hwlen=", PARAMS+0x0a
        PRINT   " cur="
        movw    $PARAMS+0x0c, %si
        movw    $6, %cx
        call    hexdump
        PRINT   " perm="
        movw    $PARAMS+0x1c, %si
        movw    $6, %cx
        call    hexdump
        call    nl

        /* GET_CACHED_INFO (0071h) DHCPACK into our 1260-byte buffer at 0000:1000. */
        CLEAR
        FILL    ACKBUF, 1300, 0xee
        movw    $2, PARAMS+2            /* PacketType: DHCPACK */
        movw    $1260, PARAMS+4         /* BufferSize */
        movw    $ACKBUF, PARAMS+6
        movw    $0, PARAMS+8
        movw    $0x0071, %bx
        call    pxe_call_s
        PHEX16  "cached ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX16  " size=", PARAMS+4
        PHEX16  " buf=", PARAMS+6
        PHEX8   " op=", ACKBUF
        PRINT   " chaddr="
        movw    $ACKBUF+28, %si
        movw    $6, %cx
        call    hexdump
        PRINT   " cookie="
        movw    $ACKBUF+236, %si
        movw    $4, %cx
        call    hexdump
        call    nl
        /* Truncated: 16 bytes asked, byte 16 must stay untouched. */
        CLEAR
        FILL    SMALLBUF, 32, 0xee
        movw    $2, PARAMS+2
        movw    $16, PARAMS+4
        movw    $SMALLBUF, PARAMS+6
        movw    $0x0071, %bx
        call    pxe_call_v
        PHEX16  "cached16 ax=", %ax
        PHEX16  " size=", PARAMS+4
        PHEX8   " op=", SMALLBUF
        PHEX8   " byte16=", SMALLBUF+16
        call    nl
        /* BufferSize 0: the ROM returns a pointer to its own copy. */
        CLEAR
        movw    $2, PARAMS+2
        movw    $0x0071, %bx
        call    pxe_call_s
        PHEX16  "cached0 ax=", %ax
        PHEX16  " size=", PARAMS+4
        PHEX16  " ptr=", PARAMS+8
        PHEX16  ":", PARAMS+6
        lesw    PARAMS+6, %si
        PHEX8   " op=", %es:(%si)
        call    nl
        /* A packet type the ROM has no copy of (1 = DHCPDISCOVER, not configured). */
        CLEAR
        movw    $1, PARAMS+2
        movw    $0x0071, %bx
        call    pxe_call_s
        PHEX16  "cached1 ax=", %ax
        PHEX16  " st=", PARAMS
        call    nl

        /* FILE_CMDLINE (00E8h) into 0000:3000, 256 bytes. */
        CLEAR
        FILL    CMDBUF, 8, 0
        movw    $256, PARAMS+2
        movw    $CMDBUF, PARAMS+4
        movw    $0x00e8, %bx
        call    pxe_call_s
        PHEX16  "cmdline ax=", %ax
        PHEX16  " st=", PARAMS
        PHEX16  " size=", PARAMS+2
        PRINT   " text=["
        movw    $CMDBUF, %si
        call    puts
        PRINT   "]\r\n"

        /* Unknown opcode 0099h through both conventions. */
        CLEAR
        movw    $0x0099, %bx
        call    pxe_call_s
        PHEX16  "unknown/s ax=", %ax
        PHEX16  " st=", PARAMS
        CLEAR
        movw    $0x0099, %bx
        clc
        call    pxe_call_v
        setc    %cl
        PHEX16  " unknown/v ax=", %ax
        PHEX8   " cf=", %cl
        PHEX16  " st=", PARAMS
        call    nl

        /* Registers across a PXENV+ call: everything but AX and FLAGS is preserved. */
        CLEAR
        movl    $0x11112222, %ecx
        movl    $0x33334444, %edx
        movl    $0x55556666, %esi
        movl    $0x77778888, %ebp
        movw    $0x1234, %ax
        movw    %ax, %fs
        movw    %ax, %gs
        movl    $0x99990012, %ebx       /* BX = opcode 0012h, upper half must survive */
        movw    %sp, saved_sp
        call    pxe_call_v
        xorw    %ax, %ax
        cmpl    $0x11112222, %ecx
        jne     1f
        cmpl    $0x33334444, %edx
        jne     1f
        cmpl    $0x55556666, %esi
        jne     1f
        cmpl    $0x77778888, %ebp
        jne     1f
        cmpl    $0x99990012, %ebx
        jne     1f
        cmpw    $PARAMS, %di
        jne     1f
        movw    %es, %ax
        testw   %ax, %ax
        jne     1f
        movw    %fs, %ax
        cmpw    $0x1234, %ax
        jne     1f
        movw    %gs, %ax
        cmpw    $0x1234, %ax
        jne     1f
        movw    %ds, %ax
        testw   %ax, %ax
        jne     1f
        cmpw    saved_sp, %sp
        jne     1f
        PRINT   "regs=preserved\r\n"
        EXIT
1:      PRINT   "regs=CLOBBERED\r\n"
        EXIT
saved_sp: .word 0
