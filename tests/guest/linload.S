/* A minimal Linux boot-protocol loader for firmware/payloads/vmlinuz-sentinel, which the test has put at
 * 1000:0000. It checks the setup header, fills in cmd_line_ptr and type_of_loader, then enters the real-mode
 * setup the way iPXE's bzimage_exec does: DS = ES = FS = GS = SS = setup segment, far jump to seg+0x20:0000. */
        .include "lib.inc"
        .equ    SETUP_SEG, 0x1000
main:
        movw    $SETUP_SEG, %ax
        movw    %ax, %es
        PHEX16  "boot_flag=", %es:0x1fe
        PHEX8   " setup_sects=", %es:0x1f1
        cmpl    $0x53726448, %es:0x202
        jne     1f
        PRINT   " HdrS"
        jmp     2f
1:      PRINT   " no-HdrS"
2:      PHEX16  " version=", %es:0x206
        PHEX8   " loadflags=", %es:0x211
        PHEX32  " code32_start=", %es:0x214
        PHEX32  " cmdline_size=", %es:0x238
        call    nl
        cmpw    $0x0202, %es:0x206      /* cmd_line_ptr needs protocol 2.02 */
        jae     1f
        PRINT   "protocol too old\r\n"
        EXIT
1:      movl    $cmdline, %es:0x228
        movb    $0xff, %es:0x210        /* type_of_loader: undefined */
        movw    $0x1234, %es:0x21c      /* ramdisk_size, so the host has something to decode */
        movw    $0, %es:0x21e
        cli
        movw    %es, %ax
        movw    %ax, %ds
        movw    %ax, %fs
        movw    %ax, %gs
        movw    %ax, %ss
        movw    $0xe000, %sp
        ljmp    $(SETUP_SEG + 0x20), $0
cmdline: .asciz "BOOT_IMAGE=vmlinuz-sentinel console=ttyS0"
