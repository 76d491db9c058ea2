/* INT 11h, INT 12h, the whole INT 15h E820 map checked against E801 and 88h, and the A20 services. */
        .include "lib.inc"
        .equ    BUF, 0x0600
        .equ    SMAP, 0x534d4150
main:
        int     $0x11
        PHEX16  "equip=", %ax
        int     $0x12
        PHEX16  " basemem=", %ax
        call    nl

        /* Walk E820 with 24-byte requests; attrs pre-set to 0 so the BIOS must write bit 0. */
        xorl    %ebx, %ebx
        xorw    %bp, %bp                /* entry count */
        movl    $0, ext_kb
e820_next:
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $BUF, %di
        movl    $0, %es:20(%di)
        movl    $0xe820, %eax
        movl    $SMAP, %edx
        movl    $24, %ecx
        int     $0x15
        jc      e820_cf
        cmpl    $SMAP, %eax
        jne     e820_bad
        incw    %bp
        PRINT   "E820 "
        movl    BUF+4, %eax
        call    hex32
        movl    BUF, %eax
        call    hex32
        PRINT   " "
        movl    BUF+12, %eax
        call    hex32
        movl    BUF+8, %eax
        call    hex32
        PHEX32  " type=", BUF+16
        PHEX32  " attrs=", BUF+20
        PHEX32  " ecx=", %ecx
        call    nl
        cmpl    $1, BUF+16              /* RAM at 1 MB: remember its size in KB */
        jne     1f
        cmpl    $0x100000, BUF
        jne     1f
        movl    BUF+8, %eax
        shrl    $10, %eax
        movl    %eax, ext_kb
1:      testl   %ebx, %ebx
        jnz     e820_next
        PHEX16  "entries=", %bp
        call    nl
        jmp     e801
e820_cf:
        PRINT   "E820 CF=1\r\n"
        jmp     e801
e820_bad:
        PRINT   "E820 no SMAP\r\n"

e801:
        /* A 20-byte request gets 20 bytes: the 4 bytes after must stay untouched. */
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $BUF, %di
        movl    $0xaaaaaaaa, %es:20(%di)
        xorl    %ebx, %ebx
        movl    $0xe820, %eax
        movl    $SMAP, %edx
        movl    $20, %ecx
        int     $0x15
        PHEX32  "short ecx=", %ecx
        PHEX32  " after=", BUF+20
        call    nl

        stc
        movw    $0xe801, %ax
        int     $0x15
        setc    %cl
        movw    %ax, e801_ax
        movw    %bx, e801_bx
        PHEX16  "E801 ax=", %ax
        PHEX16  " bx=", %bx
        PHEX16  " cx=", %cx
        PHEX16  " dx=", %dx
        call    nl
        movb    $0x88, %ah
        int     $0x15
        movw    %ax, ah88
        PHEX16  "88h ax=", %ax
        call    nl

        /* E801: KB 1-16 MB plus 64 KB blocks above 16 MB must add up to E820's RAM at 1 MB. */
        movzwl  e801_bx, %eax
        shll    $6, %eax
        movzwl  e801_ax, %edx
        addl    %edx, %eax
        cmpl    ext_kb, %eax
        jne     1f
        PRINT   "E801 consistent\r\n"
        jmp     2f
1:      PRINT   "E801 MISMATCH\r\n"
2:      /* 88h: the same KB, capped at 0xFC00. */
        movl    ext_kb, %eax
        cmpl    $0xfc00, %eax
        jbe     1f
        movl    $0xfc00, %eax
1:      movzwl  ah88, %edx
        cmpl    %edx, %eax
        jne     1f
        PRINT   "88h consistent\r\n"
        jmp     2f
1:      PRINT   "88h MISMATCH\r\n"
2:
        /* A20. */
        movw    $0x2401, %ax
        int     $0x15
        setc    %cl
        PHEX8   "2401 ah=", %ah
        PHEX8   " cf=", %cl
        movw    $0x2402, %ax
        int     $0x15
        PHEX8   " 2402 al=", %al
        /* Wrap test: 0000:0500 and FFFF:0510 differ only with A20 on. */
        movw    $0xffff, %ax
        movw    %ax, %es
        movw    $0x1234, 0x0500
        movw    $0x5678, %es:0x0510
        cmpw    $0x1234, 0x0500
        jne     1f
        PRINT   " a20=on\r\n"
        jmp     2f
1:      PRINT   " a20=off\r\n"
2:      EXIT

        .balign 4
ext_kb: .long   0
e801_ax: .word  0
e801_bx: .word  0
ah88:   .word   0
