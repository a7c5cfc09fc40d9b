#!/usr/bin/env python3
"""Regenerate the EBCDIC (code page 037) member benefits/cobol/BNLEGACY.cbl.

The BENEFITS example deliberately contains one member exported from the
mainframe in binary mode: EBCDIC CP037 text, fixed 80-byte records, each
followed by the EBCDIC newline character X'25' (what a text-mode transfer of
a RECFM=FB LRECL=80 member looks like when the codepage conversion is
skipped).  Only the encoded file is kept in the example; this script holds
the source text so that the member can be reproduced:

    python3 examples/tools/make_ebcdic_member.py

Columns 1-6 carry sequence numbers and columns 73-80 the member name, as
the original 1987 card-image source did.
"""

from __future__ import annotations

from pathlib import Path

MEMBER = "BNLEGACY"
TARGET = (Path(__file__).resolve().parent.parent
          / "benefits" / "cobol" / f"{MEMBER}.cbl")

# Columns 7-72 of each card (column 7 = indicator area).
SOURCE = """\
 IDENTIFICATION DIVISION.
 PROGRAM-ID.    BNLEGACY.
 AUTHOR.        T.GALLAGHER.
 INSTALLATION.  DSP REGIONAL DATA CENTRE 2.
 DATE-WRITTEN.  04/02/87.
*REMARKS.  ALLOCATE CHEQUE NUMBERS TO PAYMENTS MADE BY GIRO
*          CHEQUE.  FIRST CHEQUE NUMBER IS READ FROM SYSIN.
*          BACS PAYMENTS ARE COPIED THROUGH UNCHANGED.
*    04/87  TG  ORIGINAL
*    06/94  JA  NOW READS BNPAYREC LAYOUT FROM BNB100
*    10/98  PD  Y2K - NO DATE LOGIC, CERTIFIED COMPLIANT
 ENVIRONMENT DIVISION.
 CONFIGURATION SECTION.
 SOURCE-COMPUTER. IBM-370.
 OBJECT-COMPUTER. IBM-370.
 INPUT-OUTPUT SECTION.
 FILE-CONTROL.
     SELECT CHEQUE-IN  ASSIGN TO UT-S-CHQIN.
     SELECT CHEQUE-OUT ASSIGN TO UT-S-CHQOUT.
 DATA DIVISION.
 FILE SECTION.
 FD  CHEQUE-IN
     LABEL RECORDS ARE STANDARD
     BLOCK CONTAINS 0 RECORDS.
     COPY BNPAYREC.
 FD  CHEQUE-OUT
     LABEL RECORDS ARE STANDARD
     BLOCK CONTAINS 0 RECORDS.
 01  CHEQUE-OUT-REC            PIC X(120).
 WORKING-STORAGE SECTION.
 77  WS-NEXT-CHEQUE            PIC 9(8)  VALUE ZERO.
 77  WS-CHEQUES                PIC 9(7)  COMP-3 VALUE ZERO.
 77  WS-RECORDS                PIC 9(7)  COMP-3 VALUE ZERO.
 01  WS-CONTROL-CARD.
     05  CC-KEYWORD            PIC X(8).
     05  CC-FIRST-CHEQUE       PIC 9(8).
     05  FILLER                PIC X(64).
 PROCEDURE DIVISION.
 A000-START.
     ACCEPT WS-CONTROL-CARD FROM SYSIN.
     IF CC-KEYWORD NOT = 'CHEQUE  '
         DISPLAY 'BNLEGACY - NO CHEQUE CONTROL CARD'
         MOVE 12 TO RETURN-CODE
         GO TO Z000-STOP.
     MOVE CC-FIRST-CHEQUE TO WS-NEXT-CHEQUE.
     OPEN INPUT CHEQUE-IN OUTPUT CHEQUE-OUT.
 B000-READ.
     READ CHEQUE-IN AT END GO TO Y000-END.
     ADD 1 TO WS-RECORDS.
     IF NOT PAY-BY-CHEQUE
         GO TO B100-WRITE.
     MOVE WS-NEXT-CHEQUE TO PAY-CHEQUE-NO.
     SET PAY-ISSUED TO TRUE.
     ADD 1 TO WS-NEXT-CHEQUE.
     ADD 1 TO WS-CHEQUES.
 B100-WRITE.
     WRITE CHEQUE-OUT-REC FROM BN-PAYMENT-REC.
     GO TO B000-READ.
 Y000-END.
     CLOSE CHEQUE-IN CHEQUE-OUT.
     DISPLAY 'BNLEGACY RECORDS ' WS-RECORDS
             ' CHEQUES ' WS-CHEQUES.
     DISPLAY 'BNLEGACY NEXT CHEQUE NUMBER ' WS-NEXT-CHEQUE.
 Z000-STOP.
     STOP RUN.
"""


def card_images(text: str) -> list[str]:
    cards = []
    for seq, body in enumerate(text.splitlines(), start=1):
        if len(body) > 66:
            raise ValueError(f"line {seq} exceeds column 72: {body!r}")
        cards.append(f"{seq * 100:06d}{body:<66}{MEMBER:<8}")
    return cards


def main() -> None:
    cards = card_images(SOURCE)
    assert all(len(c) == 80 for c in cards)
    data = "".join(c + "\n" for c in cards).encode("cp037")
    TARGET.write_bytes(data)
    print(f"wrote {TARGET} ({len(cards)} records, {len(data)} bytes)")


if __name__ == "__main__":
    main()
