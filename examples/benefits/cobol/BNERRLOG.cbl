       IDENTIFICATION DIVISION.
       PROGRAM-ID.    BNERRLOG.
       AUTHOR.        P.DEVLIN.
       DATE-WRITTEN.  2000-02-28.
      *****************************************************************
      * BNERRLOG - BATCH ERROR LOGGER, CALLED FROM COPYBOOK BNERRPRC  *
      *   WRITES A FORMATTED MESSAGE TO SYSOUT AND, FOR FATAL ERRORS, *
      *   TO THE OPERATOR CONSOLE SO THAT OPS CAN RAISE AN INCIDENT.  *
      *****************************************************************
       DATA DIVISION.
       WORKING-STORAGE SECTION.
       01  WS-MSG.
           05  FILLER                  PIC X(4)  VALUE 'BN9'.
           05  WS-MSG-SEV              PIC X(1).
           05  FILLER                  PIC X(1)  VALUE SPACE.
           05  WS-MSG-PGM              PIC X(8).
           05  FILLER                  PIC X(1)  VALUE SPACE.
           05  WS-MSG-LOC              PIC X(30).
           05  FILLER                  PIC X(9)  VALUE ' SQLCODE='.
           05  WS-MSG-SQL              PIC -(8)9.
       01  WS-ERROR-COUNT              PIC S9(4) COMP VALUE 0.
       LINKAGE SECTION.
       01  LK-ERR-AREA.
           05  LK-ERR-PROGRAM          PIC X(8).
           05  LK-ERR-LOCATION         PIC X(30).
           05  LK-ERR-SEVERITY         PIC X(1).
               88  LK-SEV-WARNING          VALUE 'W'.
               88  LK-SEV-FATAL            VALUE 'F'.
           05  LK-ERR-SQLCODE          PIC S9(9) COMP.
           05  LK-ERR-TEXT             PIC X(80).
       PROCEDURE DIVISION USING LK-ERR-AREA.
           ADD 1 TO WS-ERROR-COUNT
           MOVE LK-ERR-SEVERITY TO WS-MSG-SEV
           MOVE LK-ERR-PROGRAM  TO WS-MSG-PGM
           MOVE LK-ERR-LOCATION TO WS-MSG-LOC
           MOVE LK-ERR-SQLCODE  TO WS-MSG-SQL
           DISPLAY WS-MSG
           IF LK-ERR-TEXT NOT = SPACES
               DISPLAY '      ' LK-ERR-TEXT
           END-IF
           IF LK-SEV-FATAL
               DISPLAY WS-MSG UPON CONSOLE
           END-IF
           IF WS-ERROR-COUNT > 500
               DISPLAY 'BN9F BNERRLOG - MORE THAN 500 ERRORS, ABENDING'
                   UPON CONSOLE
               MOVE 20 TO RETURN-CODE
               STOP RUN
           END-IF
           GOBACK.
