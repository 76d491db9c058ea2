/* INT 18h: "boot failed, try the next device" ends the run. */
        .include "lib.inc"
main:
        PRINT   "before\r\n"
        int     $0x18
        PRINT   "after INT 18h\r\n"
        EXIT
