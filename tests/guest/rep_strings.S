/* REP MOVS and REP STOS (sim/cpu/rep_string.h): the cases the host does at once and those it leaves to
 * the engine, in real mode. Each case prints the registers it moved and a checksum of the bytes it wrote;
 * the firmware test compares the console with and without BOOTSIM_FAST_STRINGS=off.
 *
 * The work area is 2000:0000-2000:3FFF, first filled with a pattern by a plain loop. */
        .include "lib.inc"

        .set    AREA, 0x2000            /* segment */

/* CASE "name", first, length: prints name, CX, SI, DI (as left by the case) and the checksum of
 * AREA:first..first+length. */
.macro CASE name, first, length
        PHEX16  "\name c=", %cx
        PHEX16  " s=", %si
        PHEX16  " d=", %di
        pushw   %di
        pushw   %cx
        movw    $\first, %di
        movw    $\length, %cx
        call    checksum
        PHEX32  " sum=", %eax
        call    nl
        popw    %cx
        popw    %di
.endm

main:
        movw    $AREA, %ax
        movw    %ax, %es
        xorw    %di, %di
1:      movw    %di, %ax                /* byte = (offset * 7 + offset / 256 + 3) mod 256 */
        movb    $7, %bl
        mulb    %bl
        addb    $3, %al
        movw    %di, %bx
        addb    %bh, %al
        movb    %al, %es:(%di)
        incw    %di
        cmpw    $0x4000, %di
        jne     1b

        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds
        /* A: forward bytes, apart. */
        movw    $0x0000, %si
        movw    $0x1000, %di
        movw    $0x300, %cx
        rep movsb
        popw    %ds
        CASE    "A", 0x1000, 0x300
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* B: forward bytes onto the next byte: the first byte repeated. */
        movw    $0x2000, %si
        movw    $0x2001, %di
        movw    $0x100, %cx
        rep movsb
        popw    %ds
        CASE    "B", 0x2000, 0x101
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* C: backward words, one byte apart. */
        std
        movw    $0x2300, %si
        movw    $0x2301, %di
        movw    $0x80, %cx
        rep movsw
        cld
        popw    %ds
        CASE    "C", 0x2200, 0x110
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* D: doublewords stored, 16-bit addresses. */
        movl    $0x11223344, %eax
        movw    $0x2400, %di
        movw    $0x40, %cx
        rep stosl
        popw    %ds
        CASE    "D", 0x2400, 0x100
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* E: doublewords moved with 32-bit addresses and count (the upper halves must be used). */
        movl    $0x00000100, %esi
        movl    $0x00002800, %edi
        movl    $0x00000050, %ecx
        .byte   0x67, 0x66, 0xF3, 0xA5  /* addr32 rep movsl */
        popw    %ds
        PHEX32  "E ecx=", %ecx
        PHEX32  " esi=", %esi
        PHEX32  " edi=", %edi
        call    nl
        CASE    "E", 0x2800, 0x140
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* F: 16-bit offset that wraps (left to the engine): bytes at FFF0..FFFF then 0000..000F. */
        movb    $0x5A, %al
        movw    $0xFFF0, %di
        movw    $0x20, %cx
        rep stosb
        popw    %ds
        CASE    "F", 0x0000, 0x20
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* G: a segment override on the source (left to the engine): FS = AREA, DS = 0. */
        pushw   %ds
        movw    %ax, %fs
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    $0x0040, %si
        movw    $0x3000, %di
        movw    $0x60, %cx
        rep movsb %fs:(%si), %es:(%di)
        popw    %ds
        popw    %ds
        CASE    "G", 0x3000, 0x60
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* H: a count too small to bother. */
        movw    $0x0010, %si
        movw    $0x3100, %di
        movw    $3, %cx
        rep movsb
        popw    %ds
        CASE    "H", 0x3100, 0x8
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds

        /* I: backward bytes stored. */
        std
        movb    $0xA5, %al
        movw    $0x3FFF, %di
        movw    $0x180, %cx
        rep stosb
        cld
        popw    %ds
        CASE    "I", 0x3E00, 0x200

        /* J: forward words onto themselves shifted down by one byte (dst below src, overlapping). */
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds
        movw    $0x0201, %si
        movw    $0x0200, %di
        movw    $0x100, %cx
        rep movsw
        popw    %ds
        CASE    "J", 0x0200, 0x202

        /* K: a count of zero does nothing. */
        pushw   %ds
        movw    $AREA, %ax
        movw    %ax, %ds
        movw    $0x0000, %si
        movw    $0x0100, %di
        xorw    %cx, %cx
        rep movsb
        popw    %ds
        CASE    "K", 0x0100, 0x10

        xorw    %di, %di
        movw    $0x4000, %cx
        call    checksum
        PHEX32  "all=", %eax
        call    nl
        EXIT

/* checksum: Fletcher-style sums of CX bytes at AREA:DI (plain loop, no string instruction); EAX = s2:s1. */
checksum:
        pushw   %es
        pushw   %bx
        pushw   %dx
        pushw   %cx
        pushw   %di
        movw    $AREA, %ax
        movw    %ax, %es
        xorw    %bx, %bx                /* s1 */
        xorw    %dx, %dx                /* s2 */
        jcxz    2f
1:      movzbw  %es:(%di), %ax
        addw    %ax, %bx
        addw    %bx, %dx
        incw    %di
        loop    1b
2:      movzwl  %dx, %eax
        shll    $16, %eax
        movw    %bx, %ax
        popw    %di
        popw    %cx
        popw    %dx
        popw    %bx
        popw    %es
        ret
