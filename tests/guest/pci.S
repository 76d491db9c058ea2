/* INT 1Ah PCI BIOS: B101h installation check, B102h find device, B109h config word reads of the NIC at
 * 00:03.0 (BX=0018h) and of an empty slot 00:04.0. */
        .include "lib.inc"
main:
        movw    $0xb101, %ax
        xorl    %edx, %edx
        int     $0x1a
        setc    %cl
        PHEX8   "B101 ah=", %ah
        PHEX8   " al=", %al
        PHEX32  " edx=", %edx
        PHEX16  " bx=", %bx
        PHEX8   " cf=", %cl
        call    nl

        movw    $0x0000, %di
        call    cfgword
        movw    %cx, vendor
        PHEX16  "vendor=", %cx
        movw    $0x0002, %di
        call    cfgword
        movw    %cx, device
        PHEX16  " device=", %cx
        movw    $0x002c, %di
        call    cfgword
        PHEX16  " subvendor=", %cx
        movw    $0x002e, %di
        call    cfgword
        PHEX16  " subdevice=", %cx
        call    nl

        movw    $0xb109, %ax
        movw    $0x0020, %bx            /* 00:04.0: nothing there */
        xorw    %di, %di
        stc
        int     $0x1a
        PHEX16  "empty slot=", %cx
        call    nl

        movw    $0xb102, %ax
        movw    device, %cx
        movw    vendor, %dx
        xorw    %si, %si
        xorw    %bx, %bx
        int     $0x1a
        setc    %cl
        PHEX8   "B102 ah=", %ah
        PHEX16  " bx=", %bx
        PHEX8   " cf=", %cl
        call    nl
        EXIT

/* cfgword: CX = config word DI of 00:03.0; prints "!" if CF or AH report an error. */
cfgword:
        movw    $0xb109, %ax
        movw    $0x0018, %bx
        stc
        int     $0x1a
        jc      1f
        testb   %ah, %ah
        jz      2f
1:      PRINT   "!"
2:      ret

vendor: .word   0
device: .word   0
