      ******************************************************************
      * DCLGEN TABLE(BNSCHEMA.CLAIM)                                   *
      *        LIBRARY(PROD.BN.DCLGEN(DCLCLAIM))                       *
      *        ACTION(REPLACE)                                         *
      *        LANGUAGE(COBOL)                                         *
      *        NAMES(CL-)                                              *
      *        QUOTE                                                   *
      * ... IS THE DCLGEN COMMAND THAT MADE THE FOLLOWING STATEMENTS   *
      ******************************************************************
           EXEC SQL DECLARE BNSCHEMA.CLAIM TABLE
           ( CLAIM_ID                       CHAR(12) NOT NULL,
             CLAIMANT_ID                    CHAR(10) NOT NULL,
             BENEFIT_TYPE                   CHAR(3) NOT NULL,
             RATE_BAND                      CHAR(2) NOT NULL,
             STATUS                         CHAR(1) NOT NULL,
             START_DATE                     DATE NOT NULL,
             END_DATE                       DATE,
             WEEKLY_RATE                    DECIMAL(9, 2) NOT NULL,
             LAST_PAID_DATE                 DATE,
             RECALC_FLAG                    CHAR(1) NOT NULL
           ) END-EXEC.
      ******************************************************************
      * COBOL DECLARATION FOR TABLE BNSCHEMA.CLAIM                     *
      ******************************************************************
       01  DCLCLAIM.
           10 CL-CLAIM-ID          PIC X(12).
           10 CL-CLAIMANT-ID       PIC X(10).
           10 CL-BENEFIT-TYPE      PIC X(3).
           10 CL-RATE-BAND         PIC X(2).
           10 CL-STATUS            PIC X(1).
           10 CL-START-DATE        PIC X(10).
           10 CL-END-DATE          PIC X(10).
           10 CL-WEEKLY-RATE       PIC S9(7)V9(2) USAGE COMP-3.
           10 CL-LAST-PAID-DATE    PIC X(10).
           10 CL-RECALC-FLAG       PIC X(1).
      ******************************************************************
      * THE NUMBER OF COLUMNS DESCRIBED BY THIS DECLARATION IS 10      *
      ******************************************************************
