      *****************************************************************
      * BNCOMMA  - BENEFITS ONLINE COMMUNICATION AREA                 *
      *            SHARED BY EVERY BN CICS PROGRAM (BN01-BN04, BNPR)  *
      *            LENGTH 300 BYTES - DO NOT CHANGE WITHOUT RECOMPILE *
      *            OF ALL ONLINE PROGRAMS AND BNVALID.                *
      *---------------------------------------------------------------*
      * CHANGE LOG                                                    *
      * 1996-03-11  R.OKONJO   ORIGINAL                               *
      * 1998-11-02  P.DEVLIN   Y2K - DATES NOW CCYYMMDD               *
      * 2003-06-19  S.MARSH    ADDED VALIDATION AREA FOR BNVALID LINK *
      *****************************************************************
       01  BN-COMMAREA.
           05  BN-CA-HEADER.
               10  BN-CA-TRANID            PIC X(4).
               10  BN-FROM-PROGRAM         PIC X(8).
               10  BN-TO-PROGRAM           PIC X(8).
               10  BN-CA-STATE             PIC X(1).
                   88  BN-CA-FIRST-TIME        VALUE SPACE.
                   88  BN-CA-MAP-SENT          VALUE 'M'.
                   88  BN-CA-CONFIRM-PENDING   VALUE 'C'.
               10  BN-CA-USERID            PIC X(8).
           05  BN-CA-KEYS.
               10  BN-CA-CLAIMANT-ID       PIC X(10).
               10  BN-CA-CLAIM-ID          PIC X(12).
               10  BN-CA-BROWSE-KEY        PIC X(12).
               10  BN-CA-PAGE-NO           PIC S9(4) COMP.
           05  BN-CA-MESSAGE               PIC X(60).
           05  BN-CA-VALID-AREA.
               10  BN-VAL-FUNCTION         PIC X(4).
                   88  BN-VAL-NINO             VALUE 'NINO'.
                   88  BN-VAL-DATE             VALUE 'DATE'.
                   88  BN-VAL-CLAIM            VALUE 'CLAM'.
               10  BN-VAL-INPUT            PIC X(40).
               10  BN-VAL-RC               PIC S9(4) COMP.
                   88  BN-VAL-OK               VALUE 0.
                   88  BN-VAL-WARNING          VALUE 4.
                   88  BN-VAL-ERROR            VALUE 8.
               10  BN-VAL-MESSAGE          PIC X(40).
           05  FILLER                      PIC X(89).
