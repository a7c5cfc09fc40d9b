      ******************************************************************
      * DCLGEN TABLE(BNSCHEMA.CLAIMANT)                                *
      *        LIBRARY(PROD.BN.DCLGEN(DCLCLMNT))                       *
      *        ACTION(REPLACE)                                         *
      *        LANGUAGE(COBOL)                                         *
      *        NAMES(CT-)                                              *
      *        QUOTE                                                   *
      *        COLSUFFIX(YES)                                          *
      * ... IS THE DCLGEN COMMAND THAT MADE THE FOLLOWING STATEMENTS   *
      ******************************************************************
           EXEC SQL DECLARE BNSCHEMA.CLAIMANT TABLE
           ( CLAIMANT_ID                    CHAR(10) NOT NULL,
             NI_NUMBER                      CHAR(9) NOT NULL,
             SURNAME                        VARCHAR(30) NOT NULL,
             FORENAME                       VARCHAR(20) NOT NULL,
             DATE_OF_BIRTH                  DATE NOT NULL,
             POSTCODE                       CHAR(8) NOT NULL,
             PAY_METHOD                     CHAR(1) NOT NULL,
             SORT_CODE                      CHAR(6),
             ACCOUNT_NO                     CHAR(8),
             STATUS                         CHAR(1) NOT NULL,
             LAST_UPDATED                   TIMESTAMP NOT NULL
           ) END-EXEC.
      ******************************************************************
      * COBOL DECLARATION FOR TABLE BNSCHEMA.CLAIMANT                  *
      ******************************************************************
       01  DCLCLAIMANT.
           10 CT-CLAIMANT-ID       PIC X(10).
           10 CT-NI-NUMBER         PIC X(9).
           10 CT-SURNAME.
              49 CT-SURNAME-LEN    PIC S9(4) USAGE COMP.
              49 CT-SURNAME-TEXT   PIC X(30).
           10 CT-FORENAME.
              49 CT-FORENAME-LEN   PIC S9(4) USAGE COMP.
              49 CT-FORENAME-TEXT  PIC X(20).
           10 CT-DATE-OF-BIRTH     PIC X(10).
           10 CT-POSTCODE          PIC X(8).
           10 CT-PAY-METHOD        PIC X(1).
           10 CT-SORT-CODE         PIC X(6).
           10 CT-ACCOUNT-NO        PIC X(8).
           10 CT-STATUS            PIC X(1).
           10 CT-LAST-UPDATED      PIC X(26).
      ******************************************************************
      * INDICATOR VARIABLE STRUCTURE                                   *
      ******************************************************************
       01  ICLAIMANT.
           10 INDSTRUC           PIC S9(4) USAGE COMP OCCURS 11 TIMES.
      ******************************************************************
      * THE NUMBER OF COLUMNS DESCRIBED BY THIS DECLARATION IS 11      *
      ******************************************************************
