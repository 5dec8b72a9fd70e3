#include <mpi.h>

/* Open MPI's predefined handles are macros over the address of a global
   (OMPI_PREDEFINED_GLOBAL), which Swift does not import: one function each. */
static inline MPI_Comm CMPI_commWorld(void) { return MPI_COMM_WORLD; }
static inline MPI_Datatype CMPI_byte(void) { return MPI_BYTE; }
static inline MPI_Errhandler CMPI_errorsReturn(void) { return MPI_ERRORS_RETURN; }
static inline MPI_Status *CMPI_statusIgnore(void) { return MPI_STATUS_IGNORE; }
static inline MPI_Request CMPI_requestNull(void) { return MPI_REQUEST_NULL; }
static inline MPI_Status *CMPI_statusesIgnore(void) { return MPI_STATUSES_IGNORE; }
