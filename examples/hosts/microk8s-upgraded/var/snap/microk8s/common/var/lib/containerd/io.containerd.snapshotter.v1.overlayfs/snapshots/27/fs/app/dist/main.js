require('./server')
