# A student's own copy of a course helper, next to the file: it must be used as it is.
ORIGIN = "the student's own copy"
