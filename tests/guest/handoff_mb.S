/* Reports a Multiboot handoff exactly as firmware/payloads/mboot.S does (kind 1, then the info address)
 * with a hand-made Multiboot information structure: a command line and two modules. */
        .include "lib.inc"
main:
        PRINT   "handing off\r\n"
        movl    $1, %eax
        movw    $0xb000, %dx
        outl    %eax, %dx
        movl    $mbi, %eax
        movw    $0xb004, %dx
        outl    %eax, %dx
        PRINT   "still running\r\n"
        EXIT

        .balign 4
mbi:    .long   (1 << 2) | (1 << 3)     /* flags: cmdline, mods */
        .long   0, 0, 0                 /* mem_lower, mem_upper, boot_device */
        .long   cmdline
        .long   2                       /* mods_count */
        .long   mods
mods:   .long   0x200000, 0x200400, mod0, 0
        .long   0x300000, 0x300010, mod1, 0
cmdline: .asciz "mboot.c32 console=ttyS0 quiet"
mod0:   .asciz  "initrd.img"
mod1:   .asciz  "extra.bin arg=1"
