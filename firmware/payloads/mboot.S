/* mboot.c32: a Multiboot (v1) sentinel kernel. It does nothing but tell the host it was reached.
 *
 * A raw binary loaded at 1 MB through the header's "a.out kludge" (flags bit 16: header_addr, load_addr,
 * load_end_addr, bss_end_addr and entry_addr are valid), so a loader needs no ELF support. Entered in
 * flat 32-bit protected mode with EAX = 0x2BADB002 and EBX = the Multiboot information structure, it writes
 * layout::kHandoffMultiboot (1) to port 0xB000 and EBX to port 0xB004; firmware/handoff.cpp then reads the
 * command line and modules out of that structure. With any other EAX it reports kind 0x1BAD and EAX
 * instead, so a wrong entry state shows up as an "unknown" handoff rather than a fake success. */
        .equ    MB_MAGIC, 0x1badb002
        .equ    MB_FLAGS, (1 << 16) | (1 << 1) | (1 << 0)   /* a.out kludge, memory map, page-aligned modules */
        .equ    MB_BOOT_MAGIC, 0x2badb002
        .equ    HANDOFF_KIND_PORT, 0xb000
        .equ    HANDOFF_ARG_PORT, 0xb004
        .equ    HANDOFF_MULTIBOOT, 1
        .equ    HANDOFF_BAD_ENTRY, 0x1bad

        .text
        .code32
        .globl  _start
_start:
        jmp     entry

        .balign 4
mb_header:                              /* must lie 4-byte aligned in the first 8 KB */
        .long   MB_MAGIC
        .long   MB_FLAGS
        .long   -(MB_MAGIC + MB_FLAGS)
        .long   mb_header               /* header_addr */
        .long   _start                  /* load_addr */
        .long   load_end                /* load_end_addr */
        .long   bss_end                 /* bss_end_addr */
        .long   entry                   /* entry_addr */

entry:
        cmpl    $MB_BOOT_MAGIC, %eax
        jne     bad_entry
        movl    $HANDOFF_MULTIBOOT, %eax
        movw    $HANDOFF_KIND_PORT, %dx
        outl    %eax, %dx
        movl    %ebx, %eax
        movw    $HANDOFF_ARG_PORT, %dx
        outl    %eax, %dx
        jmp     halt
bad_entry:
        movl    %eax, %ebx
        movl    $HANDOFF_BAD_ENTRY, %eax
        movw    $HANDOFF_KIND_PORT, %dx
        outl    %eax, %dx
        movl    %ebx, %eax
        movw    $HANDOFF_ARG_PORT, %dx
        outl    %eax, %dx
halt:
        cli
        hlt
        jmp     halt

        .ascii  "bootsim multiboot sentinel"
        .balign 16
load_end:
        .equ    bss_end, load_end + 0x1000     /* a page of zeroed memory, to exercise bss_end_addr */
