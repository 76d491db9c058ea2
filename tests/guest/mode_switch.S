/* Mode switches: what the CPU runs and reads after each CR0 write, with paging off and on
 * (sim/cpu/unicorn_cr0.h keeps the engine's TLB on a PE-only switch). The firmware test compares the
 * console with and without BOOTSIM_UNICORN_CR0=library, and the values with what the instructions mean.
 *
 * A: 20 rounds of real mode -> 32-bit protected mode -> 16-bit protected mode -> real mode (paging off).
 *    In each mode the same routine runs, whose bytes mean "mov ax,1; inc ax; nop; ret" as 16-bit code and
 *    "mov eax,0x90400001; ret" as 32-bit code, and the word at linear 0x20000 is read.
 * B: 10 rounds in 32-bit protected mode of paging on (linear page 0x20000 mapped to physical 0x21000)
 *    and off again, reading linear 0x20000 each time. Unicorn 2.0.1 maps every linear page to the same
 *    physical address whatever the page tables say (qemu/target/i386/excp_helper.c, "Unicorn: identity
 *    map"), so both reads find 0x11111111; the test counts that these CR0 writes still flush. */
        .include "lib.inc"
        .include "paging.inc"

/* Real mode -> 32-bit protected mode (flat, ESP = 0x7000), with the real-mode flags and SS:SP saved. */
.macro TO_PM32
        pushfw
        movw    %sp, saved_sp
        movw    %ss, saved_ss
        cli
        lgdtl   gdtr
        movl    %cr0, %eax
        orb     $1, %al
        movl    %eax, %cr0
        ljmpl   $0x08, $.Lpm32\@
        .code32
.Lpm32\@:
        movw    $0x10, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movl    $0x7000, %esp
.endm

/* 32-bit protected mode -> 16-bit protected mode -> real mode, with what TO_PM32 saved back. */
.macro TO_REAL
        ljmpl   $0x18, $.Lpm16\@
        .code16
.Lpm16\@:
        movw    $0x20, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %ss
        movl    %cr0, %eax
        andb    $0xfe, %al
        movl    %eax, %cr0
        ljmp    $0, $.Lrm\@
.Lrm\@:
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    saved_ss, %ss
        movw    saved_sp, %sp
        popfw
.endm

        .set    LOW, 0x20000            /* holds 0x11111111 */
        .set    HIGH, 0x21000           /* holds 0x22222222 */
        .set    PDIR, 0x30000
        .set    PTAB, 0x31000

main:
        movw    $LOW >> 4, %ax
        movw    %ax, %es
        movl    $0x11111111, %es:0
        movw    $HIGH >> 4, %ax
        movw    %ax, %es
        movl    $0x22222222, %es:0
        movw    $20, rounds

/* A */
round:  call    dual                    /* real mode: AX = 2 */
        addw    %ax, rm_sum
        movw    $LOW >> 4, %ax
        movw    %ax, %es
        movl    %es:0, %eax
        addl    %eax, rm_data
        TO_PM32
        call    dual                    /* 32-bit: EAX = 0x90400001 */
        addl    %eax, pm_sum
        movl    LOW, %eax
        addl    %eax, pm_data
        TO_REAL
        decw    rounds
        jnz     round
        PHEX16  "A rm=", rm_sum
        PHEX32  " pm=", pm_sum
        PHEX32  " rm_data=", rm_data
        PHEX32  " pm_data=", pm_data
        call    nl

/* B */
        TO_PM32
        PAGING_EMPTY_DIR PDIR           /* an empty directory, then the first 4 MiB mapped 1:1 */
        PAGING_FILL_TABLE PTAB, 0
        movl    $HIGH | 0x003, PTAB + (LOW >> 12) * 4
        movl    $PTAB | 0x003, PDIR
        movl    $PDIR, %eax
        movl    %eax, %cr3
        movl    $10, %ecx
2:      movl    %cr0, %eax
        orl     $0x80000000, %eax
        movl    %eax, %cr0
        jmp     3f
3:      movl    LOW, %eax
        addl    %eax, paged
        movl    %cr0, %eax
        andl    $0x7fffffff, %eax
        movl    %eax, %cr0
        jmp     4f
4:      movl    LOW, %eax
        addl    %eax, flat
        loop    2b
        TO_REAL
        PHEX32  "B paged=", paged
        PHEX32  " flat=", flat
        call    nl
        EXIT

/* 16-bit: mov $1,%ax; inc %ax; nop; ret. 32-bit: mov $0x90400001,%eax; ret. */
dual:   .byte   0xb8, 0x01, 0x00, 0x40, 0x90, 0xc3

        .balign 8
gdt:    .quad   0
        .quad   0x00cf9a000000ffff      /* 0x08: 32-bit code, base 0, limit 4 GiB */
        .quad   0x00cf92000000ffff      /* 0x10: data, base 0, limit 4 GiB */
        .quad   0x00009a000000ffff      /* 0x18: 16-bit code, base 0, limit 64 KiB */
        .quad   0x000092000000ffff      /* 0x20: 16-bit data, base 0, limit 64 KiB */
gdt_end:
gdtr:   .word   gdt_end - gdt - 1
        .long   gdt

        .balign 4
rm_sum:   .word 0
rounds:   .word 0
pm_sum:   .long 0
rm_data:  .long 0
pm_data:  .long 0
paged:    .long 0
flat:     .long 0
saved_sp: .word 0
saved_ss: .word 0
