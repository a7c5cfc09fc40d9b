      ******************************************************************
      * DCLGEN TABLE(BNSCHEMA.PAYMENT)                                 *
      *        LIBRARY(PROD.BN.DCLGEN(DCLPAYMT))                       *
      *        ACTION(REPLACE)                                         *
      *        LANGUAGE(COBOL)                                         *
      *        NAMES(PM-)                                              *
      *        QUOTE                                                   *
      * ... IS THE DCLGEN COMMAND THAT MADE THE FOLLOWING STATEMENTS   *
      ******************************************************************
           EXEC SQL DECLARE BNSCHEMA.PAYMENT TABLE
           ( PAYMENT_ID                     DECIMAL(11, 0) NOT NULL,
             CLAIM_ID                       CHAR(12) NOT NULL,
             PAY_DATE                       DATE NOT NULL,
             PERIOD_FROM                    DATE NOT NULL,
             PERIOD_TO                      DATE NOT NULL,
             GROSS_AMT                      DECIMAL(9, 2) NOT NULL,
             DEDUCT_AMT                     DECIMAL(9, 2) NOT NULL,
             NET_AMT                        DECIMAL(9, 2) NOT NULL,
             PAY_METHOD                     CHAR(1) NOT NULL,
             CHEQUE_NO                      CHAR(8),
             STATUS                         CHAR(1) NOT NULL,
             CREATED_TS                     TIMESTAMP NOT NULL
           ) END-EXEC.
      ******************************************************************
      * COBOL DECLARATION FOR TABLE BNSCHEMA.PAYMENT                   *
      ******************************************************************
       01  DCLPAYMENT.
           10 PM-PAYMENT-ID        PIC S9(11) USAGE COMP-3.
           10 PM-CLAIM-ID          PIC X(12).
           10 PM-PAY-DATE          PIC X(10).
           10 PM-PERIOD-FROM       PIC X(10).
           10 PM-PERIOD-TO         PIC X(10).
           10 PM-GROSS-AMT         PIC S9(7)V9(2) USAGE COMP-3.
           10 PM-DEDUCT-AMT        PIC S9(7)V9(2) USAGE COMP-3.
           10 PM-NET-AMT           PIC S9(7)V9(2) USAGE COMP-3.
           10 PM-PAY-METHOD        PIC X(1).
           10 PM-CHEQUE-NO         PIC X(8).
           10 PM-STATUS            PIC X(1).
           10 PM-CREATED-TS        PIC X(26).
      ******************************************************************
      * THE NUMBER OF COLUMNS DESCRIBED BY THIS DECLARATION IS 12      *
      ******************************************************************
