/* UNDI_TRANSMIT (0008h): the ROM builds the Ethernet header for P_IP (to DestAddr) and P_ARP (broadcast);
 * P_UNKNOWN frames go out as given; a TBD data block (seg:off) is appended to the immediate data. */
        .include "lib.inc"
        .equ    PARAMS, 0x0600
        .equ    TBD, 0x0680

.macro TX proto, flag
        xorw    %ax, %ax
        movw    %ax, %es
        movw    $PARAMS, %di
        movw    $8, %cx
        rep stosw
        movw    $PARAMS, %di
        movb    $\proto, PARAMS+2
        movb    $\flag, PARAMS+3
        movw    $dest, PARAMS+4
        movw    $0, PARAMS+6
        movw    $TBD, PARAMS+8
        movw    $0, PARAMS+10
        movw    $0x0008, %bx
        call    pxe_call_s
        PHEX16  " ax=", %ax
        PHEX16  " st=", PARAMS
.endm

main:
        /* 1: IP to 02:00:00:00:00:01, 20 bytes of immediate data. */
        movw    $20, TBD
        movw    $ippkt, TBD+2
        movw    $0, TBD+4
        movw    $0, TBD+6               /* DataBlkCount */
        PRINT   "ip"
        TX      1, 0
        /* 2: ARP, broadcast, 28 bytes. */
        movw    $28, TBD
        movw    $arppkt, TBD+2
        PRINT   " arp"
        TX      2, 1
        /* 3: P_UNKNOWN: a full IPv6-ish frame with its own header. */
        movw    $(rawend - raw), TBD
        movw    $raw, TBD+2
        PRINT   " raw"
        TX      0, 0
        /* 4: IP, immediate 4 bytes + one seg:off data block of 8 bytes. */
        movw    $4, TBD
        movw    $ippkt, TBD+2
        movw    $1, TBD+6
        movb    $0, TBD+8               /* TDPtrType 0: seg:off */
        movb    $0, TBD+9
        movw    $8, TBD+10              /* TDDataLen */
        movw    $blk, TBD+12
        movw    $0, TBD+14
        PRINT   " gather"
        TX      1, 0
        /* 5: Protocol 7 is not a protocol: invalid parameter, nothing sent. */
        movw    $0, TBD+6
        PRINT   " bad"
        TX      7, 0
        call    nl
        EXIT

dest:   .byte   0x02, 0x00, 0x00, 0x00, 0x00, 0x01
ippkt:  .byte   0x45, 0x00, 0x00, 0x14, 0xab, 0xcd, 0x00, 0x00, 0x40, 0x11
        .byte   0x00, 0x00, 0x0a, 0x00, 0x02, 0x0f, 0x0a, 0x00, 0x02, 0x02
arppkt: .byte   0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01
        .byte   0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x0a, 0x00, 0x02, 0x0f
        .byte   0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x02, 0x02
raw:    .byte   0x33, 0x33, 0x00, 0x00, 0x00, 0x02, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 0x86, 0xdd
        .ascii  "sixty-four bytes of not really an ipv6 packet, padded....."
rawend:
blk:    .ascii  "GATHERED"
