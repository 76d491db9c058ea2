/* Asks for what this PC lacks: an I/O port nothing decodes (IN from 0x2F8, COM2) and a BIOS function this
   BIOS does not implement (INT 15h AH=C0h, the system configuration table). Both are traced once
   (io, bios_call) and answered as unclaimed hardware and a BIOS would: the run carries on. */
        .include "lib.inc"
main:
        movw    $0x2F8, %dx
        inb     %dx, %al
        movw    $0xC000, %ax
        int     $0x15
        PRINT   "still running\r\n"
        EXIT
