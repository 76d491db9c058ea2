/* A minimal Multiboot loader for firmware/payloads/mboot.c32, which the test has put at 1 MB (its
 * load_addr). In real mode it finds and checks the header (first 8 KB, 4-byte aligned, checksum, a.out
 * kludge with header_addr - load_addr = the header's file offset), prints what it found, then enters flat
 * 32-bit protected mode with EAX = 0x2BADB002, EBX = its Multiboot information, and jumps to entry_addr. */
        .include "lib.inc"
        .include "pm.inc"
main:
        movw    $0xffff, %ax            /* FFFF:0010 = 1 MB (A20 is on) */
        movw    %ax, %es
        movw    $0x10, %si
scan:
        cmpl    $0x1badb002, %es:(%si)
        je      found
        addw    $4, %si
        cmpw    $0x2010, %si
        jb      scan
        PRINT   "no multiboot header\r\n"
        EXIT
found:
        movw    %si, %bx
        subw    $0x10, %bx              /* file offset of the header */
        PHEX16  "header at +", %bx
        movl    %es:4(%si), %eax
        PHEX32  " flags=", %eax
        addl    %es:(%si), %eax
        addl    %es:8(%si), %eax
        PHEX32  " sum=", %eax
        movl    %es:12(%si), %eax       /* header_addr */
        subl    %es:16(%si), %eax       /* - load_addr */
        movzwl  %bx, %ecx
        cmpl    %ecx, %eax
        jne     1f
        PRINT   " offsets=ok"
        jmp     2f
1:      PRINT   " offsets=BAD"
2:      PHEX32  " load=", %es:16(%si)
        movl    %es:24(%si), %eax
        subl    %es:20(%si), %eax
        PHEX32  " bss=", %eax
        movl    %es:28(%si), %eax
        movl    %eax, mb_entry
        PHEX32  " entry=", %eax
        call    nl
        testl   $0x10000, %es:4(%si)
        jnz     1f
        PRINT   "no a.out kludge\r\n"
        EXIT
1:      ENTER_PM32
        movl    $0x2badb002, %eax
        movl    $mbi, %ebx
        jmp     *mb_entry

        .balign 4
mb_entry: .long 0
mbi:    .long   (1 << 2) | (1 << 3)     /* flags: cmdline, mods */
        .long   0, 0, 0
        .long   cmdline
        .long   1
        .long   mods
mods:   .long   0x200000, 0x200800, mod0, 0
cmdline: .asciz "mboot.c32 loaded-by=mbload"
mod0:   .asciz  "initrd.cpio"
