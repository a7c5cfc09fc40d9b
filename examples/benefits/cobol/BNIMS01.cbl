000100 IDENTIFICATION DIVISION.                                         BNIMS01
000200 PROGRAM-ID.    BNIMS01.                                          BNIMS01
000300 AUTHOR.        T.GALLAGHER.                                      BNIMS01
000400 DATE-WRITTEN.  OCTOBER 1989.                                     BNIMS01
000500***************************************************************** BNIMS01
000600* BNIMS01 - CLAIM HISTORY EXTRACT FROM IMS DATABASE BNHISTDB    * BNIMS01
000700*                                                               * BNIMS01
000800*   THE PRE-1997 CLAIM HISTORY WAS NEVER MIGRATED TO DB2. IT    * BNIMS01
000900*   STILL LIVES IN THE IMS HIDAM DATABASE BNHISTDB:             * BNIMS01
001000*       CLMTROOT  (CLAIMANT ROOT, KEY CLAIMANT-ID)              * BNIMS01
001100*         CLMHIST (CLAIM HISTORY, KEY CLAIM-ID)                 * BNIMS01
001200*           PAYHIST (HISTORIC PAYMENTS)                         * BNIMS01
001300*   FOR EACH CLAIMANT ID ON THE REQUEST FILE (HISTREQ) THIS     * BNIMS01
001400*   PROGRAM WRITES ONE HISTOUT RECORD PER CLOSED CLAIM WITH ITS * BNIMS01
001500*   PAYMENT TOTAL.  RUN AS DLI BATCH, PSB BNPSB01.              * BNIMS01
001600*---------------------------------------------------------------* BNIMS01
001700* 10/89  TG  ORIGINAL                                           * BNIMS01
001800* 03/95  JA  SKIP CLAIMS WITH NO PAYMENTS                       * BNIMS01
001900* 10/98  PD  Y2K - DATE WINDOWING ON 6-DIGIT IMS DATES (50/49)  * BNIMS01
002000***************************************************************** BNIMS01
002100 ENVIRONMENT DIVISION.                                            BNIMS01
002200 INPUT-OUTPUT SECTION.                                            BNIMS01
002300 FILE-CONTROL.                                                    BNIMS01
002400     SELECT HIST-REQUEST ASSIGN TO HISTREQ.                       BNIMS01
002500     SELECT HIST-OUT     ASSIGN TO HISTOUT.                       BNIMS01
002600 DATA DIVISION.                                                   BNIMS01
002700 FILE SECTION.                                                    BNIMS01
002800 FD  HIST-REQUEST RECORDING MODE IS F.                            BNIMS01
002900 01  REQ-RECORD.                                                  BNIMS01
003000     05  REQ-CLAIMANT-ID         PIC X(10).                       BNIMS01
003100     05  FILLER                  PIC X(70).                       BNIMS01
003200 FD  HIST-OUT RECORDING MODE IS F.                                BNIMS01
003300 01  HIST-OUT-REC.                                                BNIMS01
003400     05  HO-CLAIMANT-ID          PIC X(10).                       BNIMS01
003500     05  HO-CLAIM-ID             PIC X(12).                       BNIMS01
003600     05  HO-BENEFIT-TYPE         PIC X(3).                        BNIMS01
003700     05  HO-START-DATE           PIC 9(8).                        BNIMS01
003800     05  HO-END-DATE             PIC 9(8).                        BNIMS01
003900     05  HO-PAYMENT-COUNT        PIC 9(5).                        BNIMS01
004000     05  HO-PAYMENT-TOTAL        PIC S9(9)V99 COMP-3.             BNIMS01
004100     05  FILLER                  PIC X(28).                       BNIMS01
004200 WORKING-STORAGE SECTION.                                         BNIMS01
004300 01  DLI-FUNCTIONS.                                               BNIMS01
004400     05  GU-FUNC                 PIC X(4)  VALUE 'GU  '.          BNIMS01
004500     05  GN-FUNC                 PIC X(4)  VALUE 'GN  '.          BNIMS01
004600     05  GNP-FUNC                PIC X(4)  VALUE 'GNP '.          BNIMS01
004700*    SEGMENT SEARCH ARGUMENTS                                     BNIMS01
004800 01  CLMTROOT-SSA.                                                BNIMS01
004900     05  FILLER                  PIC X(8)  VALUE 'CLMTROOT'.      BNIMS01
005000     05  FILLER                  PIC X(1)  VALUE '('.             BNIMS01
005100     05  FILLER                  PIC X(8)  VALUE 'CLMTKEY '.      BNIMS01
005200     05  FILLER                  PIC X(2)  VALUE ' ='.            BNIMS01
005300     05  SSA-CLAIMANT-ID         PIC X(10).                       BNIMS01
005400     05  FILLER                  PIC X(1)  VALUE ')'.             BNIMS01
005500 01  CLMHIST-SSA.                                                 BNIMS01
005600     05  FILLER                  PIC X(8)  VALUE 'CLMHIST '.      BNIMS01
005700     05  FILLER                  PIC X(1)  VALUE SPACE.           BNIMS01
005800 01  CLMHIST-QSSA.                                                BNIMS01
005900     05  FILLER                  PIC X(8)  VALUE 'CLMHIST '.      BNIMS01
006000     05  FILLER                  PIC X(1)  VALUE '('.             BNIMS01
006100     05  FILLER                  PIC X(8)  VALUE 'CLMHKEY '.      BNIMS01
006200     05  FILLER                  PIC X(2)  VALUE ' ='.            BNIMS01
006300     05  SSA-CLAIM-ID            PIC X(12).                       BNIMS01
006400     05  FILLER                  PIC X(1)  VALUE ')'.             BNIMS01
006500 01  PAYHIST-SSA.                                                 BNIMS01
006600     05  FILLER                  PIC X(8)  VALUE 'PAYHIST '.      BNIMS01
006700     05  FILLER                  PIC X(1)  VALUE SPACE.           BNIMS01
006800*    SEGMENT I/O AREAS                                            BNIMS01
006900 01  SEG-IO-AREA                 PIC X(200).                      BNIMS01
007000 01  CLMTROOT-SEG REDEFINES SEG-IO-AREA.                          BNIMS01
007100     05  RT-CLAIMANT-ID          PIC X(10).                       BNIMS01
007200     05  RT-NI-NUMBER            PIC X(9).                        BNIMS01
007300     05  RT-SURNAME              PIC X(30).                       BNIMS01
007400     05  FILLER                  PIC X(151).                      BNIMS01
007500 01  CLMHIST-SEG REDEFINES SEG-IO-AREA.                           BNIMS01
007600     05  CH-CLAIM-ID             PIC X(12).                       BNIMS01
007700     05  CH-BENEFIT-TYPE         PIC X(3).                        BNIMS01
007800     05  CH-START-YYMMDD         PIC 9(6).                        BNIMS01
007900     05  CH-END-YYMMDD           PIC 9(6).                        BNIMS01
008000     05  CH-STATUS               PIC X(1).                        BNIMS01
008100         88  CH-CLOSED               VALUE 'C'.                   BNIMS01
008200     05  FILLER                  PIC X(172).                      BNIMS01
008300 01  PAYHIST-SEG REDEFINES SEG-IO-AREA.                           BNIMS01
008400     05  PH-PAY-YYMMDD           PIC 9(6).                        BNIMS01
008500     05  PH-AMOUNT               PIC S9(7)V99 COMP-3.             BNIMS01
008600     05  FILLER                  PIC X(189).                      BNIMS01
008700 01  WS-SWITCHES.                                                 BNIMS01
008800     05  WS-REQ-EOF              PIC X     VALUE 'N'.             BNIMS01
008900         88  REQ-EOF                 VALUE 'Y'.                   BNIMS01
009000     05  WS-CLAIMS-DONE          PIC X     VALUE 'N'.             BNIMS01
009100         88  NO-MORE-CLAIMS          VALUE 'Y'.                   BNIMS01
009200 01  WS-WORK.                                                     BNIMS01
009300     05  WS-YYMMDD               PIC 9(6).                        BNIMS01
009400     05  WS-YYMMDD-R REDEFINES WS-YYMMDD.                         BNIMS01
009500         10  WS-YY               PIC 99.                          BNIMS01
009600         10  WS-MMDD             PIC 9(4).                        BNIMS01
009700     05  WS-CCYYMMDD             PIC 9(8).                        BNIMS01
009800     05  WS-PAY-COUNT            PIC 9(5)  COMP-3.                BNIMS01
009900     05  WS-PAY-TOTAL            PIC S9(9)V99 COMP-3.             BNIMS01
010000     05  WS-CLAIMANTS            PIC 9(7)  COMP-3 VALUE 0.        BNIMS01
010100     05  WS-WRITTEN              PIC 9(7)  COMP-3 VALUE 0.        BNIMS01
010200 LINKAGE SECTION.                                                 BNIMS01
010300 01  CLMDB-PCB.                                                   BNIMS01
010400     05  PCB-DBD-NAME            PIC X(8).                        BNIMS01
010500     05  PCB-SEG-LEVEL           PIC X(2).                        BNIMS01
010600     05  PCB-STATUS              PIC X(2).                        BNIMS01
010700         88  PCB-OK                  VALUE '  '.                  BNIMS01
010800         88  PCB-NOT-FOUND           VALUE 'GE'.                  BNIMS01
010900         88  PCB-END-OF-DB           VALUE 'GB'.                  BNIMS01
011000     05  PCB-PROC-OPTIONS        PIC X(4).                        BNIMS01
011100     05  FILLER                  PIC S9(5) COMP.                  BNIMS01
011200     05  PCB-SEG-NAME            PIC X(8).                        BNIMS01
011300     05  PCB-KEY-LENGTH          PIC S9(5) COMP.                  BNIMS01
011400     05  PCB-NUM-SENS-SEGS       PIC S9(5) COMP.                  BNIMS01
011500     05  PCB-KEY-FEEDBACK        PIC X(30).                       BNIMS01
011600 PROCEDURE DIVISION USING CLMDB-PCB.                              BNIMS01
011700 0000-MAIN.                                                       BNIMS01
011800     OPEN INPUT  HIST-REQUEST                                     BNIMS01
011900          OUTPUT HIST-OUT                                         BNIMS01
012000     PERFORM 0100-READ-REQUEST                                    BNIMS01
012100     PERFORM 1000-PROCESS-CLAIMANT UNTIL REQ-EOF                  BNIMS01
012200     CLOSE HIST-REQUEST HIST-OUT                                  BNIMS01
012300     DISPLAY 'BNIMS01 CLAIMANTS REQUESTED ' WS-CLAIMANTS          BNIMS01
012400     DISPLAY 'BNIMS01 HISTORY RECORDS     ' WS-WRITTEN            BNIMS01
012500     GOBACK.                                                      BNIMS01
012600 0100-READ-REQUEST.                                               BNIMS01
012700     READ HIST-REQUEST                                            BNIMS01
012800         AT END MOVE 'Y' TO WS-REQ-EOF                            BNIMS01
012900     END-READ.                                                    BNIMS01
013000 1000-PROCESS-CLAIMANT.                                           BNIMS01
013100     ADD 1 TO WS-CLAIMANTS                                        BNIMS01
013200     MOVE REQ-CLAIMANT-ID TO SSA-CLAIMANT-ID                      BNIMS01
013300     CALL 'CBLTDLI' USING GU-FUNC, CLMDB-PCB, SEG-IO-AREA,        BNIMS01
013400                          CLMTROOT-SSA                            BNIMS01
013500     IF PCB-OK                                                    BNIMS01
013600         MOVE 'N' TO WS-CLAIMS-DONE                               BNIMS01
013700         PERFORM 2000-NEXT-CLAIM UNTIL NO-MORE-CLAIMS             BNIMS01
013800     ELSE                                                         BNIMS01
013900         IF NOT PCB-NOT-FOUND                                     BNIMS01
014000             DISPLAY 'BNIMS01 GU FAILED STATUS ' PCB-STATUS       BNIMS01
014100             MOVE 12 TO RETURN-CODE                               BNIMS01
014200         END-IF                                                   BNIMS01
014300     END-IF                                                       BNIMS01
014400     PERFORM 0100-READ-REQUEST.                                   BNIMS01
014500 2000-NEXT-CLAIM.                                                 BNIMS01
014600     CALL 'CBLTDLI' USING GNP-FUNC, CLMDB-PCB, SEG-IO-AREA,       BNIMS01
014700                          CLMHIST-SSA                             BNIMS01
014800     IF NOT PCB-OK                                                BNIMS01
014900         MOVE 'Y' TO WS-CLAIMS-DONE                               BNIMS01
015000     ELSE                                                         BNIMS01
015100         IF CH-CLOSED                                             BNIMS01
015200             INITIALIZE HIST-OUT-REC                              BNIMS01
015300             MOVE REQ-CLAIMANT-ID TO HO-CLAIMANT-ID               BNIMS01
015400             MOVE CH-CLAIM-ID     TO HO-CLAIM-ID                  BNIMS01
015500             MOVE CH-BENEFIT-TYPE TO HO-BENEFIT-TYPE              BNIMS01
015600             MOVE CH-START-YYMMDD TO WS-YYMMDD                    BNIMS01
015700             PERFORM 9000-WINDOW-DATE                             BNIMS01
015800             MOVE WS-CCYYMMDD     TO HO-START-DATE                BNIMS01
015900             MOVE CH-END-YYMMDD   TO WS-YYMMDD                    BNIMS01
016000             PERFORM 9000-WINDOW-DATE                             BNIMS01
016100             MOVE WS-CCYYMMDD     TO HO-END-DATE                  BNIMS01
016200             PERFORM 3000-SUM-PAYMENTS                            BNIMS01
016300             IF WS-PAY-COUNT > 0                                  BNIMS01
016400                 MOVE WS-PAY-COUNT TO HO-PAYMENT-COUNT            BNIMS01
016500                 MOVE WS-PAY-TOTAL TO HO-PAYMENT-TOTAL            BNIMS01
016600                 WRITE HIST-OUT-REC                               BNIMS01
016700                 ADD 1 TO WS-WRITTEN                              BNIMS01
016800             END-IF                                               BNIMS01
016900         END-IF                                                   BNIMS01
017000     END-IF.                                                      BNIMS01
017100*    PAYHIST ARE CHILDREN OF THE CURRENT CLMHIST.  GN WITH THE    BNIMS01
017200*    UNQUALIFIED SSA RETURNS GE/GA WHEN WE LEAVE THE CLAIM.       BNIMS01
017300 3000-SUM-PAYMENTS.                                               BNIMS01
017400     MOVE ZERO TO WS-PAY-COUNT WS-PAY-TOTAL                       BNIMS01
017500     CALL 'CBLTDLI' USING GN-FUNC, CLMDB-PCB, SEG-IO-AREA,        BNIMS01
017600                          PAYHIST-SSA                             BNIMS01
017700     PERFORM UNTIL NOT PCB-OK                                     BNIMS01
017800                OR PCB-SEG-NAME NOT = 'PAYHIST '                  BNIMS01
017900         ADD 1         TO WS-PAY-COUNT                            BNIMS01
018000         ADD PH-AMOUNT TO WS-PAY-TOTAL                            BNIMS01
018100         CALL 'CBLTDLI' USING GN-FUNC, CLMDB-PCB, SEG-IO-AREA,    BNIMS01
018200                              PAYHIST-SSA                         BNIMS01
018300     END-PERFORM                                                  BNIMS01
018400*    RE-ESTABLISH POSITION ON THIS CLAIM FOR THE NEXT GNP         BNIMS01
018500     MOVE HO-CLAIM-ID TO SSA-CLAIM-ID                             BNIMS01
018600     CALL 'CBLTDLI' USING GU-FUNC, CLMDB-PCB, SEG-IO-AREA,        BNIMS01
018700                          CLMTROOT-SSA, CLMHIST-QSSA.             BNIMS01
018800 9000-WINDOW-DATE.                                                BNIMS01
018900     IF WS-YY < 50                                                BNIMS01
019000         COMPUTE WS-CCYYMMDD = 20000000 + WS-YYMMDD               BNIMS01
019100     ELSE                                                         BNIMS01
019200         COMPUTE WS-CCYYMMDD = 19000000 + WS-YYMMDD               BNIMS01
019300     END-IF.                                                      BNIMS01
