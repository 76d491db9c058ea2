/* Reports a Linux handoff as firmware/payloads/vmlinuz.S does (kind 2, then the setup base) after writing
 * a setup header at 1000:0000 with cmd_line_ptr (+0x228) and ramdisk_size (+0x21C). */
        .include "lib.inc"
main:
        movw    $0x1000, %ax
        movw    %ax, %es
        movw    $0xaa55, %es:0x1fe
        movl    $0x53726448, %es:0x202          /* "HdrS" */
        movw    $0x0206, %es:0x206
        movl    $0x00012345, %es:0x21c
        movl    $cmdline, %es:0x228
        PRINT   "handing off\r\n"
        movl    $2, %eax
        movw    $0xb000, %dx
        outl    %eax, %dx
        movl    $0x10000, %eax
        movw    $0xb004, %dx
        outl    %eax, %dx
        PRINT   "still running\r\n"
        EXIT
cmdline: .asciz "BOOT_IMAGE=vmlinuz root=/dev/nfs ip=dhcp"
