/* Leaves Unicorn's UC_MODE_32 start state (flat 32-bit protected mode) for real mode, the way a CPU
 * would have to: load a GDT with 16-bit segments, jump into 16-bit protected mode, clear CR0.PE and
 * far-jump to reload CS. Writing CR0 from the host is not enough (ref/unicorn-notes.md, obstacle 2).
 * Linked at 0x3000; ends in HLT, after which the host sets the real-mode registers for the NBP. */
        .text
        .code32
        .globl _start
_start:
        lgdt    gdtr
        ljmp    $0x08, $pm16
        .code16
pm16:
        movw    $0x10, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        movw    %ax, %ss
        movl    %cr0, %eax
        andl    $0xfffffffe, %eax
        movl    %eax, %cr0
        ljmp    $0x0000, $real
real:
        xorw    %ax, %ax
        movw    %ax, %ds
        movw    %ax, %es
        movw    %ax, %fs
        movw    %ax, %gs
        movw    %ax, %ss
        hlt
        .balign 8
gdt:
        .quad   0
        .quad   0x00009a000000ffff      /* 0x08: 16-bit code, base 0, limit 64 KiB */
        .quad   0x000092000000ffff      /* 0x10: 16-bit data, base 0, limit 64 KiB */
gdtr:
        .word   gdtr - gdt - 1
        .long   gdt
